package dev.secureingress.tls;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/**
 * The ways Istio accepts a gateway credential named N in Kubernetes secrets, and the conversion of a
 * {@link Credential} into them. In every layout the certificate entry holds the leaf followed by its
 * intermediates and the key entry the PKCS#8 private key. The CA certificates (which verify client
 * certificates under mutual TLS) are optional except for {@link #SEPARATE_CACERT}.
 */
public enum SecretLayout {
    /** Secret N of type {@code kubernetes.io/tls}: {@code tls.crt}, {@code tls.key}, and {@code ca.crt} when CAs are given. */
    TLS,
    /** Secret N of type {@code Opaque}: {@code cert}, {@code key}, and {@code cacert} when CAs are given. */
    GENERIC,
    /** Secret N as in {@link #TLS} without CA, plus secret {@code N-cacert} holding {@code ca.crt}. */
    SEPARATE_CACERT;

    public static final String TLS_CERT = "tls.crt";
    public static final String TLS_KEY = "tls.key";
    public static final String TLS_CA = "ca.crt";
    public static final String GENERIC_CERT = "cert";
    public static final String GENERIC_KEY = "key";
    public static final String GENERIC_CA = "cacert";
    /** Suffix of the separate CA secret's name. */
    public static final String CACERT_SUFFIX = "-cacert";

    /** The secret(s) for a credential without CA certificates (not allowed for {@link #SEPARATE_CACERT}). */
    public List<Secret> secrets(String namespace, String name, Credential credential) {
        return secrets(namespace, name, credential, List.of());
    }

    /**
     * The secret(s) holding the credential in this layout.
     *
     * @param caCertificates CA certificates for {@code ca.crt}/{@code cacert}; may be empty except for
     *                       {@link #SEPARATE_CACERT}
     * @return the main secret N first, then {@code N-cacert} for {@link #SEPARATE_CACERT}
     */
    public List<Secret> secrets(String namespace, String name, Credential credential,
                                List<X509Certificate> caCertificates) {
        Objects.requireNonNull(credential, "credential");
        requireName(namespace, "namespace");
        requireName(name, "name");
        Map<String, String> data = new LinkedHashMap<>();
        switch (this) {
            case TLS, SEPARATE_CACERT -> {
                data.put(TLS_CERT, credential.chainPem());
                data.put(TLS_KEY, credential.privateKeyPem());
                if (this == TLS && !caCertificates.isEmpty()) {
                    data.put(TLS_CA, Pem.encode(caCertificates));
                }
            }
            case GENERIC -> {
                data.put(GENERIC_CERT, credential.chainPem());
                data.put(GENERIC_KEY, credential.privateKeyPem());
                if (!caCertificates.isEmpty()) {
                    data.put(GENERIC_CA, Pem.encode(caCertificates));
                }
            }
        }
        Secret main = secret(namespace, name, this == GENERIC ? "Opaque" : "kubernetes.io/tls", data);
        if (this != SEPARATE_CACERT) {
            return List.of(main);
        }
        if (caCertificates.isEmpty()) {
            throw new IllegalArgumentException("The SEPARATE_CACERT layout for secret " + namespace + "/" + name
                    + " needs CA certificates for " + name + CACERT_SUFFIX + ": pass them, e.g. the credential's root()");
        }
        Secret ca = secret(namespace, name + CACERT_SUFFIX, "Opaque", Map.of(TLS_CA, Pem.encode(caCertificates)));
        return List.of(main, ca);
    }

    private static Secret secret(String namespace, String name, String type, Map<String, String> pemEntries) {
        Map<String, String> data = new LinkedHashMap<>();
        pemEntries.forEach((key, pem) -> data.put(key,
                Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII))));
        return new SecretBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withType(type)
                .withData(data)
                .build();
    }

    private static void requireName(String value, String what) {
        if (value == null || !value.matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
            throw new IllegalArgumentException("The secret " + what + " \"" + value + "\" is not a valid Kubernetes "
                    + "name: use lower-case letters, digits, '-' and '.', starting and ending alphanumeric");
        }
    }
}

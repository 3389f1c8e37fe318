package dev.secureingress.tls;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
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

    /**
     * Reads the credential of a secret in the {@link #TLS} ({@code tls.crt}/{@code tls.key}) or {@link #GENERIC}
     * ({@code cert}/{@code key}) layout, from {@code data} (base64) or {@code stringData}. A CA entry in the same
     * secret is not taken as the root; read it with {@link #caCertificatesOf(Secret)}.
     *
     * @throws IllegalArgumentException naming the secret and the entry if a certificate or key is missing or
     *                                  malformed, or the key does not belong to the certificate
     */
    public static Credential credentialOf(Secret secret) {
        String certificateKey = entry(secret, TLS_CERT) != null ? TLS_CERT : GENERIC_CERT;
        String privateKeyKey = certificateKey.equals(TLS_CERT) ? TLS_KEY : GENERIC_KEY;
        String chainPem = entry(secret, certificateKey);
        String keyPem = entry(secret, privateKeyKey);
        if (chainPem == null || keyPem == null) {
            throw new IllegalArgumentException("Secret " + describe(secret) + " holds no certificate and key: expected "
                    + "entries tls.crt and tls.key (kubectl create secret tls) or cert and key, found "
                    + entryNames(secret));
        }
        List<X509Certificate> chain = Pem.readCertificates(chainPem, certificateKey + " of secret " + describe(secret));
        PrivateKey privateKey = Pem.readPrivateKey(keyPem, privateKeyKey + " of secret " + describe(secret));
        try {
            return Credential.of(chain.get(0), chain.subList(1, chain.size()), privateKey, null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Secret " + describe(secret) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The CA certificates of a secret: its {@code ca.crt} or {@code cacert} entry, as in a TLS, generic or
     * {@code N-cacert} secret; empty if it has neither.
     *
     * @throws IllegalArgumentException naming the secret if the entry is not certificate PEM
     */
    public static List<X509Certificate> caCertificatesOf(Secret secret) {
        for (String key : List.of(TLS_CA, GENERIC_CA)) {
            String pem = entry(secret, key);
            if (pem != null) {
                return Pem.readCertificates(pem, key + " of secret " + describe(secret));
            }
        }
        return List.of();
    }

    private static String entry(Secret secret, String key) {
        if (secret.getData() != null && secret.getData().get(key) != null) {
            try {
                return new String(Base64.getMimeDecoder().decode(secret.getData().get(key)), StandardCharsets.US_ASCII);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Entry " + key + " of secret " + describe(secret) + " is not base64 "
                        + "(data values must be base64-encoded; put plain PEM under stringData instead)", e);
            }
        }
        return secret.getStringData() == null ? null : secret.getStringData().get(key);
    }

    private static String entryNames(Secret secret) {
        List<String> names = new ArrayList<>();
        if (secret.getData() != null) {
            names.addAll(secret.getData().keySet());
        }
        if (secret.getStringData() != null) {
            names.addAll(secret.getStringData().keySet());
        }
        return names.isEmpty() ? "no entries" : String.join(", ", names);
    }

    private static String describe(Secret secret) {
        var metadata = secret.getMetadata();
        return metadata == null ? "(unnamed)" : metadata.getNamespace() + "/" + metadata.getName();
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

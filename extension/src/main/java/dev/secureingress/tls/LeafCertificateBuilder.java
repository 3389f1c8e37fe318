package dev.secureingress.tls;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * Builds a leaf certificate issued by a {@link CertificateAuthority}: a server certificate
 * ({@link #server(String...)}), a client certificate ({@link #client()}) or one that is both.
 *
 * <pre>{@code
 * Credential httpbin = ca.issue().server("httpbin.example.com")
 *         .subject("CN=httpbin.example.com,O=httpbin organization").build();
 * Credential client = ca.issue().client().subject("CN=client.example.com,O=client organization").build();
 * }</pre>
 *
 * Defaults: key {@link KeyAlgorithm#DEFAULT}, {@link Validity#standard()}, subject {@code CN=<first host name>}.
 * Leaves carry basicConstraints CA=false (critical); keyUsage digitalSignature, plus keyEncipherment for RSA
 * server keys (critical); extendedKeyUsage serverAuth and/or clientAuth; subjectAltName for the host names and
 * IP addresses; subject and authority key identifiers.
 */
public final class LeafCertificateBuilder {

    private final CertificateAuthority issuer;
    private final Set<String> hosts = new LinkedHashSet<>();
    private boolean server;
    private boolean client;
    private String subject;
    private Validity validity;
    private KeyAlgorithm keyAlgorithm = KeyAlgorithm.DEFAULT;
    private KeyPair keyPair;

    LeafCertificateBuilder(CertificateAuthority issuer) {
        this.issuer = issuer;
    }

    /**
     * Makes this a server certificate (extendedKeyUsage serverAuth) for the given DNS names (a leading
     * {@code *.} label is a wildcard) and IP addresses, which become its subjectAltNames. May be called again
     * to add names.
     *
     * @throws IllegalArgumentException for a name that is neither a valid host name nor an IP address
     */
    public LeafCertificateBuilder server(String... hostNamesOrAddresses) {
        for (String host : hostNamesOrAddresses) {
            SubjectAltNames.of(host);
            hosts.add(host);
        }
        this.server = true;
        return this;
    }

    /** Makes this a client certificate for mutual TLS (extendedKeyUsage clientAuth). Needs a {@link #subject}. */
    public LeafCertificateBuilder client() {
        this.client = true;
        return this;
    }

    /** The subject DN in written order, e.g. {@code "CN=httpbin.example.com,O=httpbin organization"}. */
    public LeafCertificateBuilder subject(String subject) {
        DistinguishedNames.parse(subject);
        this.subject = subject;
        return this;
    }

    /** The validity window; see {@link Validity#expired} and {@link Validity#startingIn} for negative tests. */
    public LeafCertificateBuilder validity(Validity validity) {
        this.validity = Objects.requireNonNull(validity, "validity");
        return this;
    }

    /** The key type (default ECDSA P-256). */
    public LeafCertificateBuilder keyAlgorithm(KeyAlgorithm keyAlgorithm) {
        this.keyAlgorithm = Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
        return this;
    }

    /** Certifies an existing key pair instead of a new one, e.g. to renew a certificate keeping its key. */
    public LeafCertificateBuilder keyPair(KeyPair keyPair) {
        this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
        this.keyAlgorithm = KeyAlgorithm.of(keyPair.getPrivate());
        return this;
    }

    /**
     * Generates the key (unless given) and has the CA sign the certificate.
     *
     * @throws IllegalStateException if neither server nor client was chosen, a server has no host name, or a
     *                               client-only certificate has no subject
     */
    public Credential build() {
        KeyPair keys = keyPair != null ? keyPair : keyAlgorithm.generateKeyPair();
        return build(keys);
    }

    /** Signs the certificate for a key pair generated elsewhere (e.g. in parallel). */
    Credential build(KeyPair keys) {
        X500Name subjectName = DistinguishedNames.parse(effectiveSubject());
        Validity window = validity != null ? validity : Validity.standard();
        List<GeneralName> altNames = hosts.stream().map(SubjectAltNames::of).toList();
        List<KeyPurposeId> purposes = new ArrayList<>();
        if (server) {
            purposes.add(KeyPurposeId.id_kp_serverAuth);
        }
        if (client) {
            purposes.add(KeyPurposeId.id_kp_clientAuth);
        }
        int keyUsage = KeyUsage.digitalSignature;
        if (server && KeyAlgorithm.of(keys.getPrivate()).isRsa()) {
            keyUsage |= KeyUsage.keyEncipherment;
        }
        var request = new CertificateSigner.Request(subjectName, keys.getPublic(), window.notBefore(),
                window.notAfter(), false, -1, keyUsage, purposes, altNames);
        return Credential.issued(issuer.sign(request), issuer.chainBelowRoot(), keys.getPrivate(), issuer.root());
    }

    /** The key type this builder generates when no key pair is given. */
    KeyAlgorithm keyAlgorithm() {
        return keyAlgorithm;
    }

    private String effectiveSubject() {
        if (!server && !client) {
            throw new IllegalStateException("The leaf certificate has no role: call server(\"host.example.com\") "
                    + "and/or client() before build()");
        }
        if (server && hosts.isEmpty()) {
            throw new IllegalStateException("The server certificate has no host name: pass the names it serves, "
                    + "e.g. server(\"httpbin.example.com\")");
        }
        if (subject != null) {
            return subject;
        }
        if (!server) {
            throw new IllegalStateException("The client certificate has no subject: call "
                    + "subject(\"CN=client.example.com,O=client organization\")");
        }
        return "CN=" + hosts.iterator().next();
    }
}

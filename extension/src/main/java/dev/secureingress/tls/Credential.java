package dev.secureingress.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A certificate with its private key: what a gateway serves or a client presents. Immutable.
 *
 * <p>Holds the leaf certificate, the intermediates that link it to its root (nearest first, root excluded),
 * the private key and, when known, the issuing root. {@link #chain()} is what a TLS secret's {@code tls.crt}
 * holds. The private key never appears in {@link #toString()}.
 */
public final class Credential {

    private final X509Certificate certificate;
    private final List<X509Certificate> intermediates;
    private final PrivateKey privateKey;
    private final X509Certificate root;

    private Credential(X509Certificate certificate, List<X509Certificate> intermediates, PrivateKey privateKey,
                       X509Certificate root) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.intermediates = List.copyOf(intermediates);
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.root = root;
    }

    /**
     * A credential from its parts, checking that the key belongs to the certificate.
     *
     * @param intermediates nearest first, without the root
     * @param root          the issuing root, or null when unknown
     * @throws IllegalArgumentException if the private key does not match the certificate's public key
     */
    public static Credential of(X509Certificate certificate, List<X509Certificate> intermediates,
                                PrivateKey privateKey, X509Certificate root) {
        requireMatchingKey(certificate, privateKey, "The private key");
        return new Credential(certificate, intermediates, privateKey, root);
    }

    /** A credential whose certificate was just issued for the key, so there is nothing to check. */
    static Credential issued(X509Certificate certificate, List<X509Certificate> intermediates, PrivateKey privateKey,
                             X509Certificate root) {
        return new Credential(certificate, intermediates, privateKey, root);
    }

    /**
     * Reads a credential from PEM, as found in a user's {@code .crt}/{@code .key} files or a secret's
     * {@code tls.crt}/{@code tls.key}. The chain PEM is the leaf followed by its intermediates; a self-signed
     * certificate at its end (beyond the leaf) is taken as the root. Keys may be PKCS#8 {@code PRIVATE KEY},
     * {@code RSA PRIVATE KEY} or {@code EC PRIVATE KEY}.
     *
     * @throws IllegalArgumentException on PEM that is not a certificate chain or a key, or a key that does
     *                                  not belong to the leaf certificate
     */
    public static Credential fromPem(String chainPem, String privateKeyPem) {
        List<X509Certificate> chain = new ArrayList<>(Pem.readCertificates(chainPem, "The certificate chain PEM"));
        PrivateKey key = Pem.readPrivateKey(privateKeyPem, "The private key PEM");
        X509Certificate root = null;
        X509Certificate last = chain.get(chain.size() - 1);
        if (chain.size() > 1 && isSelfSigned(last)) {
            root = chain.remove(chain.size() - 1);
        }
        requireMatchingKey(chain.get(0), key, "The private key PEM");
        return new Credential(chain.get(0), chain.subList(1, chain.size()), key, root);
    }

    /**
     * Reads a credential from PEM with its root given separately (for example a secret's {@code ca.crt}).
     *
     * @see #fromPem(String, String)
     */
    public static Credential fromPem(String chainPem, String privateKeyPem, String rootPem) {
        List<X509Certificate> roots = Pem.readCertificates(rootPem, "The root certificate PEM");
        if (roots.size() != 1) {
            throw new IllegalArgumentException("The root certificate PEM holds " + roots.size()
                    + " certificates: give exactly one root");
        }
        return fromPem(chainPem, privateKeyPem).withRoot(roots.get(0));
    }

    /** The leaf certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The intermediate CA certificates, nearest first, without the root. */
    public List<X509Certificate> intermediates() {
        return intermediates;
    }

    /** Leaf followed by its intermediates (no root): what a server presents and {@code tls.crt} holds. */
    public List<X509Certificate> chain() {
        List<X509Certificate> chain = new ArrayList<>(intermediates.size() + 1);
        chain.add(certificate);
        chain.addAll(intermediates);
        return List.copyOf(chain);
    }

    /** The private key of {@link #certificate()}. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** True if the issuing root is known (always for issued credentials; for PEM input only when given). */
    public boolean hasRoot() {
        return root != null;
    }

    /**
     * The root CA certificate this credential chains to: what a client pins.
     *
     * @throws IllegalStateException if the credential was read from PEM without its root
     */
    public X509Certificate root() {
        if (root == null) {
            throw new IllegalStateException("The root of " + subject() + " is unknown: it was read from PEM "
                    + "without one; use Credential.fromPem(chain, key, rootPem) or withRoot(root)");
        }
        return root;
    }

    /** A copy with the given issuing root. */
    public Credential withRoot(X509Certificate root) {
        return new Credential(certificate, intermediates, privateKey, Objects.requireNonNull(root, "root"));
    }

    /** The leaf certificate's subject, e.g. {@code CN=httpbin.example.com,O=httpbin organization}. */
    public String subject() {
        return DistinguishedNames.display(certificate.getSubjectX500Principal());
    }

    /** PEM of the leaf certificate alone. */
    public String certificatePem() {
        return Pem.encode(certificate);
    }

    /** PEM of {@link #chain()}: leaf then intermediates. */
    public String chainPem() {
        return Pem.encode(chain());
    }

    /** PEM of the root certificate ({@link #root()}). */
    public String rootPem() {
        return Pem.encode(root());
    }

    /** The private key as unencrypted PKCS#8 {@code PRIVATE KEY} PEM. Handle with care: never log it. */
    public String privateKeyPem() {
        return Pem.encode(privateKey);
    }

    /** Subject, serial and validity; never the private key. */
    @Override
    public String toString() {
        return "Credential[" + subject() + ", serial " + certificate.getSerialNumber().toString(16)
                + ", valid " + certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant()
                + ", " + intermediates.size() + " intermediate(s), key " + privateKey.getAlgorithm() + "]";
    }

    static boolean isSelfSigned(X509Certificate certificate) {
        if (!certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
            return false;
        }
        try {
            certificate.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Checks that the key belongs to the certificate's public key (see {@link MatchingKeys}). */
    static void requireMatchingKey(X509Certificate certificate, PrivateKey key, String what) {
        boolean matches = MatchingKeys.belong(key, certificate.getPublicKey());
        if (!matches) {
            throw new IllegalArgumentException(what + " (" + key.getAlgorithm() + ") does not belong to the "
                    + "certificate " + DistinguishedNames.display(certificate.getSubjectX500Principal())
                    + ": pass the key that was generated with this certificate (compare "
                    + "`openssl x509 -noout -pubkey -in cert.pem` with `openssl pkey -pubout -in key.pem`)");
        }
    }
}

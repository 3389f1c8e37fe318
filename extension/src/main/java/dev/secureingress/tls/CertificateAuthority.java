package dev.secureingress.tls;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * A certificate authority holding its key: a self-signed root or an intermediate of any depth. It issues
 * intermediates ({@link #intermediate(String)}) and leaves ({@link #issue()}).
 *
 * <pre>{@code
 * CertificateAuthority root = CertificateAuthority.root("O=example Inc.,CN=example.com").build();
 * Credential httpbin = root.issue().server("httpbin.example.com").build();
 * }</pre>
 *
 * CA certificates carry basicConstraints (critical, CA, with the path length when one is set), keyUsage
 * keyCertSign + cRLSign (critical), and subject/authority key identifiers. Immutable; the private key never
 * appears in {@link #toString()}.
 */
public final class CertificateAuthority {

    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final KeyAlgorithm keyAlgorithm;
    /** This CA's certificate and those above it, root excluded; empty for a root. */
    private final List<X509Certificate> chainBelowRoot;
    private final X509Certificate root;

    private CertificateAuthority(X509Certificate certificate, PrivateKey privateKey, KeyAlgorithm keyAlgorithm,
                                 List<X509Certificate> chainBelowRoot, X509Certificate root) {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.keyAlgorithm = keyAlgorithm;
        this.chainBelowRoot = List.copyOf(chainBelowRoot);
        this.root = root;
    }

    /**
     * Starts a self-signed root CA.
     *
     * @param subject the DN in written order, e.g. {@code "O=example Inc.,CN=example.com"}
     */
    public static Builder root(String subject) {
        return new Builder(DistinguishedNames.parse(subject), null);
    }

    /**
     * A CA from existing PEM files, e.g. a root made with openssl: the CA certificate first, then any
     * certificates above it up to the root; and its private key.
     *
     * @throws IllegalArgumentException if the certificate is not a CA (no basicConstraints CA flag) or
     *                                  the key does not belong to it
     */
    public static CertificateAuthority fromPem(String certificatePem, String privateKeyPem) {
        Credential credential = Credential.fromPem(certificatePem, privateKeyPem);
        X509Certificate certificate = credential.certificate();
        if (certificate.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("The certificate " + credential.subject() + " is not a CA "
                    + "(basicConstraints has no CA flag), so it cannot issue certificates: give a CA certificate, "
                    + "e.g. one made with `openssl req -x509` or CertificateAuthority.root(...)");
        }
        boolean selfSigned = Credential.isSelfSigned(certificate);
        X509Certificate root = selfSigned ? certificate : credential.hasRoot() ? credential.root() : null;
        if (root == null) {
            throw new IllegalArgumentException("The chain of CA " + credential.subject() + " does not end in its "
                    + "self-signed root: append the root certificate to the certificate PEM");
        }
        List<X509Certificate> chainBelowRoot = selfSigned ? List.of() : credential.chain();
        return new CertificateAuthority(certificate, credential.privateKey(),
                KeyAlgorithm.of(credential.privateKey()), chainBelowRoot, root);
    }

    /** Starts an intermediate CA issued by this one. */
    public Builder intermediate(String subject) {
        if (certificate.getBasicConstraints() == 0) {
            throw new IllegalStateException("The CA " + subject() + " has path length 0 and may only issue leaves: "
                    + "build it with a larger pathLength(...) to issue intermediate " + subject);
        }
        return new Builder(DistinguishedNames.parse(subject), this);
    }

    /** Starts a leaf certificate issued by this CA. */
    public LeafCertificateBuilder issue() {
        return new LeafCertificateBuilder(this);
    }

    /** This CA's certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** This CA's certificate as PEM: for a root, the {@code --cacert} / {@code ca.crt} of the seed. */
    public String certificatePem() {
        return Pem.encode(certificate);
    }

    /** The self-signed root this CA chains to (itself for a root). */
    public X509Certificate root() {
        return root;
    }

    /** True for a self-signed root. */
    public boolean isRoot() {
        return chainBelowRoot.isEmpty();
    }

    /** The CA's own certificate and key as a credential, e.g. to write {@code example.com.crt}/{@code .key}. */
    public Credential credential() {
        if (isRoot()) {
            return Credential.issued(certificate, List.of(), privateKey, root);
        }
        return Credential.issued(certificate, chainBelowRoot.subList(1, chainBelowRoot.size()), privateKey, root);
    }

    /** The key type of this CA, which sets the signature algorithm of what it issues. */
    public KeyAlgorithm keyAlgorithm() {
        return keyAlgorithm;
    }

    /** The CA's subject in written order, e.g. {@code O=example Inc.,CN=example.com}. */
    public String subject() {
        return DistinguishedNames.display(certificate.getSubjectX500Principal());
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + subject() + (isRoot() ? ", root" : ", intermediate under "
                + DistinguishedNames.display(root.getSubjectX500Principal())) + ", " + keyAlgorithm + "]";
    }

    /** Signs a certificate for someone else with this CA's key. */
    X509Certificate sign(CertificateSigner.Request request) {
        return CertificateSigner.sign(request, new CertificateSigner.Issuer(
                X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                privateKey, keyAlgorithm, certificate));
    }

    /** The intermediates a leaf issued by this CA presents after itself, nearest first. */
    List<X509Certificate> chainBelowRoot() {
        return chainBelowRoot;
    }

    /** Builds a root or intermediate CA. Defaults: {@link KeyAlgorithm#DEFAULT}, {@link Validity#standard()}, no path length limit. */
    public static final class Builder {
        private final X500Name subject;
        private final CertificateAuthority issuer;
        private KeyAlgorithm keyAlgorithm = KeyAlgorithm.DEFAULT;
        private KeyPair keyPair;
        private Validity validity;
        private int pathLength = -1;

        private Builder(X500Name subject, CertificateAuthority issuer) {
            this.subject = subject;
            this.issuer = issuer;
        }

        /** The CA's key type (default ECDSA P-256). */
        public Builder keyAlgorithm(KeyAlgorithm keyAlgorithm) {
            this.keyAlgorithm = Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
            return this;
        }

        /** Uses an existing key pair instead of generating one (its type overrides {@link #keyAlgorithm}). */
        public Builder keyPair(KeyPair keyPair) {
            this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
            this.keyAlgorithm = KeyAlgorithm.of(keyPair.getPrivate());
            return this;
        }

        /** The validity window (default {@link Validity#standard()}). */
        public Builder validity(Validity validity) {
            this.validity = Objects.requireNonNull(validity, "validity");
            return this;
        }

        /** How many intermediate CAs may follow this one (basicConstraints pathLenConstraint); unlimited if unset. */
        public Builder pathLength(int pathLength) {
            if (pathLength < 0) {
                throw new IllegalArgumentException("pathLength must be 0 or more, was " + pathLength);
            }
            this.pathLength = pathLength;
            return this;
        }

        /** Generates the key (unless given) and signs the certificate. */
        public CertificateAuthority build() {
            KeyPair keys = keyPair != null ? keyPair : keyAlgorithm.generateKeyPair();
            Validity window = validity != null ? validity : Validity.standard();
            var request = new CertificateSigner.Request(subject, keys.getPublic(),
                    window.notBefore(), window.notAfter(), true, pathLength,
                    KeyUsage.keyCertSign | KeyUsage.cRLSign, List.of(), List.of());
            if (issuer == null) {
                X509Certificate self = CertificateSigner.sign(request,
                        new CertificateSigner.Issuer(subject, keys.getPrivate(), keyAlgorithm, null));
                return new CertificateAuthority(self, keys.getPrivate(), keyAlgorithm, List.of(), self);
            }
            X509Certificate issued = issuer.sign(request);
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(issued);
            chain.addAll(issuer.chainBelowRoot);
            return new CertificateAuthority(issued, keys.getPrivate(), keyAlgorithm, chain, issuer.root);
        }
    }
}

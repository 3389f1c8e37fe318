package dev.secureingress.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds and signs one X.509 v3 certificate: the only place that knows how extensions are laid out.
 * CAs and leaves describe what they need through {@link Request}.
 */
final class CertificateSigner {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JcaX509CertificateConverter CONVERTER = new JcaX509CertificateConverter();

    /** What goes into a certificate besides the issuer. {@code pathLength} < 0 means unconstrained. */
    record Request(X500Name subject, PublicKey publicKey, Instant notBefore, Instant notAfter,
                   boolean ca, int pathLength, int keyUsage, List<KeyPurposeId> extendedKeyUsages,
                   List<GeneralName> subjectAltNames) {
    }

    /** The signing side: the issuer's name, key and certificate (null when self-signing a root). */
    record Issuer(X500Name name, PrivateKey privateKey, KeyAlgorithm keyAlgorithm, X509Certificate certificate) {
    }

    private CertificateSigner() {
    }

    static X509Certificate sign(Request request, Issuer issuer) {
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuer.name(), randomSerial(),
                    Date.from(request.notBefore()), Date.from(request.notAfter()),
                    request.subject(), request.publicKey());

            BasicConstraints basicConstraints = !request.ca()
                    ? new BasicConstraints(false)
                    : request.pathLength() < 0 ? new BasicConstraints(true) : new BasicConstraints(request.pathLength());
            builder.addExtension(Extension.basicConstraints, true, basicConstraints);
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(request.keyUsage()));
            if (!request.extendedKeyUsages().isEmpty()) {
                builder.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(request.extendedKeyUsages().toArray(KeyPurposeId[]::new)));
            }
            if (!request.subjectAltNames().isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(request.subjectAltNames().toArray(GeneralName[]::new)));
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(request.publicKey()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, issuer.certificate() == null
                    ? extensions.createAuthorityKeyIdentifier(request.publicKey())
                    : extensions.createAuthorityKeyIdentifier(issuer.certificate()));

            var signer = new JcaContentSignerBuilder(issuer.keyAlgorithm().signatureAlgorithm())
                    .build(issuer.privateKey());
            return CONVERTER.getCertificate(builder.build(signer));
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("Could not sign the certificate for " + request.subject(), e);
        }
    }

    /** A random positive serial of at most 20 bytes, as RFC 5280 asks. */
    private static BigInteger randomSerial() {
        return new BigInteger(159, RANDOM).add(BigInteger.ONE);
    }
}

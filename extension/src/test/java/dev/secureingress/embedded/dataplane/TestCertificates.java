package dev.secureingress.embedded.dataplane;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Test CAs and leaf certificates for the data plane's TLS tests. */
final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    private TestCertificates() {
    }

    enum Algorithm { ECDSA, RSA }

    /** A CA that issues server and client certificates. */
    record Ca(KeyPair keys, X509Certificate certificate) {

        static Ca root(String commonName) {
            KeyPair keys = keyPair(Algorithm.ECDSA);
            X500Name subject = new X500Name("O=example Inc.,CN=" + commonName);
            return new Ca(keys, sign(subject, keys.getPublic(), subject, keys.getPrivate(), true, List.of(), false));
        }

        TlsProgram.ServerCertificate server(String... dnsNames) {
            return server(Algorithm.ECDSA, dnsNames);
        }

        TlsProgram.ServerCertificate server(Algorithm algorithm, String... dnsNames) {
            KeyPair leaf = keyPair(algorithm);
            X509Certificate certificate = sign(new X500Name("CN=" + dnsNames[0]), leaf.getPublic(),
                    X500Name.getInstance(this.certificate.getSubjectX500Principal().getEncoded()), keys.getPrivate(), false,
                    List.of(dnsNames), false);
            return new TlsProgram.ServerCertificate(leaf.getPrivate(), List.of(certificate, this.certificate));
        }

        /** A client certificate and its key. */
        TlsProgram.ServerCertificate client(String commonName) {
            KeyPair leaf = keyPair(Algorithm.ECDSA);
            X509Certificate certificate = sign(new X500Name("CN=" + commonName), leaf.getPublic(),
                    X500Name.getInstance(this.certificate.getSubjectX500Principal().getEncoded()), keys.getPrivate(), false,
                    List.of(), true);
            return new TlsProgram.ServerCertificate(leaf.getPrivate(), List.of(certificate, this.certificate));
        }
    }

    static KeyPair keyPair(Algorithm algorithm) {
        try {
            if (algorithm == Algorithm.RSA) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(X500Name subject, java.security.PublicKey publicKey, X500Name issuer,
                                        PrivateKey issuerKey, boolean ca, List<String> dnsNames, boolean client) {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(1, ChronoUnit.HOURS)),
                    Date.from(now.plus(1, ChronoUnit.DAYS)), subject, publicKey);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        client ? KeyPurposeId.id_kp_clientAuth : KeyPurposeId.id_kp_serverAuth));
            }
            if (!dnsNames.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(dnsNames.stream()
                        .map(name -> new GeneralName(GeneralName.dNSName, name)).toArray(GeneralName[]::new)));
            }
            String algorithm = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign a test certificate for " + subject, e);
        }
    }
}

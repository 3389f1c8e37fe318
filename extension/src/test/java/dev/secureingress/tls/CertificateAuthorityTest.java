package dev.secureingress.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificateAuthorityTest {

    // java.security.cert.X509Certificate#getKeyUsage indexes
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int KEY_ENCIPHERMENT = 2;
    private static final int KEY_CERT_SIGN = 5;
    private static final int CRL_SIGN = 6;
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private static final CertificateAuthority ROOT = CertificateAuthority.root("O=example Inc.,CN=example.com").build();

    @Test
    void rootIsSelfSignedCaWithCriticalConstraintsAndKeyUsage() throws Exception {
        X509Certificate root = ROOT.certificate();

        assertThat(ROOT.isRoot()).isTrue();
        assertThat(ROOT.subject()).isEqualTo("O=example Inc.,CN=example.com");
        assertThat(root.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        root.verify(root.getPublicKey());
        assertThat(root.getVersion()).isEqualTo(3);
        assertThat(root.getBasicConstraints()).as("CA without path length").isEqualTo(Integer.MAX_VALUE);
        assertThat(root.getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
        assertThat(setBits(root.getKeyUsage())).containsExactly(KEY_CERT_SIGN, CRL_SIGN);
        assertThat(root.getExtendedKeyUsage()).isNull();
        assertThat(root.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(root.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(subjectKeyId(root)).isEqualTo(authorityKeyId(root));
        assertThat(root.getSerialNumber()).isPositive();
    }

    @Test
    void pathLengthIsEncodedAndLimitsIntermediates() {
        CertificateAuthority root = CertificateAuthority.root("CN=Limited Root").pathLength(1).build();
        CertificateAuthority intermediate = root.intermediate("CN=Last Intermediate").pathLength(0).build();

        assertThat(root.certificate().getBasicConstraints()).isEqualTo(1);
        assertThat(intermediate.certificate().getBasicConstraints()).isEqualTo(0);
        assertThatThrownBy(() -> intermediate.intermediate("CN=Too Deep"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CN=Last Intermediate").hasMessageContaining("path length 0");
    }

    @Test
    void leavesOfDeepIntermediatesValidateThroughTheWholeChain() throws Exception {
        CertificateAuthority first = ROOT.intermediate("CN=Intermediate 1").build();
        CertificateAuthority second = first.intermediate("CN=Intermediate 2").keyAlgorithm(KeyAlgorithm.RSA_2048).build();
        CertificateAuthority third = second.intermediate("O=Team,CN=Intermediate 3").build();

        Credential leaf = third.issue().server("deep.example.com").build();

        assertThat(third.isRoot()).isFalse();
        assertThat(third.root()).isEqualTo(ROOT.certificate());
        assertThat(leaf.intermediates()).containsExactly(third.certificate(), second.certificate(), first.certificate());
        assertThat(leaf.chain()).hasSize(4).first().isEqualTo(leaf.certificate());
        assertThat(leaf.root()).isEqualTo(ROOT.certificate());
        Pkix.validate(leaf.chain(), ROOT.certificate());
        assertThat(third.certificate().getSigAlgName()).as("signed by the RSA intermediate").isEqualTo("SHA256withRSA");
        assertThat(authorityKeyId(leaf.certificate())).isEqualTo(subjectKeyId(third.certificate()));
        assertThat(authorityKeyId(first.certificate())).isEqualTo(subjectKeyId(ROOT.certificate()));
        assertThat(third.credential().intermediates()).containsExactly(second.certificate(), first.certificate());
        Pkix.validate(third.credential().chain(), ROOT.certificate());

        CertificateAuthority otherRoot = CertificateAuthority.root("O=example Inc.,CN=example.com").build();
        assertThatThrownBy(() -> Pkix.validate(leaf.chain(), otherRoot.certificate()))
                .isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void serverLeafCarriesServerExtensionsFieldByField() throws Exception {
        Credential leaf = ROOT.issue().server("httpbin.example.com", "*.apps.example.com", "127.0.0.1", "::1")
                .subject("CN=httpbin.example.com,O=httpbin organization").build();
        X509Certificate certificate = leaf.certificate();

        assertThat(leaf.subject()).isEqualTo("CN=httpbin.example.com,O=httpbin organization");
        assertThat(certificate.getIssuerX500Principal()).isEqualTo(ROOT.certificate().getSubjectX500Principal());
        assertThat(certificate.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(certificate.getCriticalExtensionOIDs())
                .containsExactlyInAnyOrder(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
        assertThat(setBits(certificate.getKeyUsage())).containsExactly(DIGITAL_SIGNATURE);
        assertThat(certificate.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
        assertThat(sans(certificate)).containsExactly(
                List.of(2, "httpbin.example.com"), List.of(2, "*.apps.example.com"),
                List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
        assertThat(subjectKeyId(certificate)).isNotEmpty();
        assertThat(authorityKeyId(certificate)).isEqualTo(subjectKeyId(ROOT.certificate()));
        assertThat(certificate.getSerialNumber()).isPositive().isLessThan(BigInteger.ONE.shiftLeft(159).add(BigInteger.ONE));
        Pkix.validate(leaf.chain(), ROOT.certificate());
    }

    @Test
    void rsaServerLeafAddsKeyEnciphermentAndClientLeafHasClientAuth() throws Exception {
        Credential rsaServer = ROOT.issue().server("rsa.example.com").keyAlgorithm(KeyAlgorithm.RSA_2048).build();
        Credential client = ROOT.issue().client().subject("CN=client.example.com,O=client organization").build();
        Credential both = ROOT.issue().server("both.example.com").client().build();

        assertThat(rsaServer.certificate().getPublicKey()).isInstanceOf(RSAPublicKey.class);
        assertThat(setBits(rsaServer.certificate().getKeyUsage())).containsExactly(DIGITAL_SIGNATURE, KEY_ENCIPHERMENT);
        assertThat(setBits(client.certificate().getKeyUsage())).containsExactly(DIGITAL_SIGNATURE);
        assertThat(client.certificate().getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(client.certificate().getSubjectAlternativeNames()).isNull();
        assertThat(both.subject()).isEqualTo("CN=both.example.com");
        assertThat(both.certificate().getExtendedKeyUsage()).containsExactly(SERVER_AUTH, CLIENT_AUTH);
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void everyKeyAlgorithmIssuesValidatingCertificates(KeyAlgorithm algorithm) throws Exception {
        CertificateAuthority root = CertificateAuthority.root("CN=Root " + algorithm).keyAlgorithm(algorithm).build();
        Credential leaf = root.issue().server("leaf.example.com").keyAlgorithm(algorithm).build();

        assertThat(KeyAlgorithm.of(leaf.privateKey())).isEqualTo(algorithm);
        assertThat(leaf.certificate().getSigAlgName()).isEqualTo(algorithm.signatureAlgorithm());
        assertThat(root.certificate().getSigAlgName()).isEqualTo(algorithm.signatureAlgorithm());
        Pkix.validate(leaf.chain(), root.certificate());
    }

    @Test
    void p384SignsWithSha384() {
        CertificateAuthority root = CertificateAuthority.root("CN=P-384 Root").keyAlgorithm(KeyAlgorithm.ECDSA_P384).build();
        Credential leaf = root.issue().server("p384.example.com").build();

        assertThat(leaf.certificate().getSigAlgName()).isEqualTo("SHA384withECDSA");
        assertThat(KeyAlgorithm.of(leaf.privateKey())).as("leaf keeps the default").isEqualTo(KeyAlgorithm.ECDSA_P256);
    }

    @Test
    void validityWindowsMayBeExpiredOrNotYetValid() throws Exception {
        Instant notBefore = Instant.parse("2020-01-01T00:00:00Z");
        Instant notAfter = Instant.parse("2020-01-02T00:00:00Z");
        Credential fixed = ROOT.issue().server("fixed.example.com").validity(new Validity(notBefore, notAfter)).build();
        Credential expired = ROOT.issue().server("expired.example.com").validity(Validity.expired(Duration.ofDays(2))).build();
        Credential future = ROOT.issue().server("future.example.com").validity(Validity.startingIn(Duration.ofDays(2))).build();

        assertThat(fixed.certificate().getNotBefore()).isEqualTo(Date.from(notBefore));
        assertThat(fixed.certificate().getNotAfter()).isEqualTo(Date.from(notAfter));
        assertThatThrownBy(() -> Pkix.validate(expired.chain(), ROOT.certificate()))
                .isInstanceOf(CertPathValidatorException.class).hasRootCauseInstanceOf(CertificateExpiredException.class);
        assertThatThrownBy(() -> Pkix.validate(future.chain(), ROOT.certificate()))
                .isInstanceOf(CertPathValidatorException.class).hasRootCauseInstanceOf(CertificateNotYetValidException.class);
        Pkix.validate(expired.chain(), ROOT.certificate(), Date.from(Instant.now().minus(Duration.ofDays(2)).minusSeconds(60)));
        assertThatThrownBy(() -> new Validity(notAfter, notBefore))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("notBefore must come before notAfter");
    }

    @Test
    void defaultValidityIsBackdatedAndLastsAYear() {
        Credential leaf = ROOT.issue().server("default.example.com").build();
        Instant now = Instant.now();

        assertThat(leaf.certificate().getNotBefore().toInstant()).isBetween(now.minus(Duration.ofMinutes(61)), now.minus(Duration.ofMinutes(59)));
        assertThat(leaf.certificate().getNotAfter().toInstant()).isBetween(now.plus(Duration.ofDays(365)).minusSeconds(60), now.plus(Duration.ofDays(365)));
    }

    @Test
    void serialsAreRandom() {
        List<BigInteger> serials = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            serials.add(ROOT.issue().server("serial.example.com").build().certificate().getSerialNumber());
        }
        assertThat(serials).doesNotHaveDuplicates().allMatch(serial -> serial.signum() > 0);
    }

    @Test
    void toStringNeverShowsThePrivateKey() {
        Credential leaf = ROOT.issue().server("secret.example.com").build();
        String keyBody = leaf.privateKeyPem().lines().filter(line -> !line.startsWith("-----")).findFirst().orElseThrow();

        assertThat(leaf.toString()).contains("CN=secret.example.com").doesNotContain(keyBody).doesNotContain("PRIVATE");
        assertThat(ROOT.toString()).contains("O=example Inc.,CN=example.com").doesNotContain("PRIVATE");
    }

    static List<Integer> setBits(boolean[] bits) {
        List<Integer> set = new ArrayList<>();
        for (int i = 0; i < bits.length; i++) {
            if (bits[i]) {
                set.add(i);
            }
        }
        return set;
    }

    static List<List<?>> sans(X509Certificate certificate) throws Exception {
        Collection<List<?>> names = Objects.requireNonNull(certificate.getSubjectAlternativeNames());
        return List.copyOf(names);
    }

    static byte[] subjectKeyId(X509Certificate certificate) {
        byte[] value = ASN1OctetString.getInstance(certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId())).getOctets();
        return SubjectKeyIdentifier.getInstance(value).getKeyIdentifier();
    }

    static byte[] authorityKeyId(X509Certificate certificate) {
        byte[] value = ASN1OctetString.getInstance(certificate.getExtensionValue(Extension.authorityKeyIdentifier.getId())).getOctets();
        return AuthorityKeyIdentifier.getInstance(value).getKeyIdentifier();
    }
}

package dev.secureingress.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;

class PemTest {

    private static final CertificateAuthority ROOT = CertificateAuthority.root("O=example Inc.,CN=example.com").build();
    private static final CertificateAuthority INTERMEDIATE = ROOT.intermediate("CN=Intermediate").build();

    @Test
    void credentialRoundTripsThroughPemWithItsChain() {
        Credential original = INTERMEDIATE.issue().server("httpbin.example.com").build();

        Credential read = Credential.fromPem(original.chainPem(), original.privateKeyPem(), original.rootPem());

        assertThat(original.chainPem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(original.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----").endsWith("-----END PRIVATE KEY-----\n");
        assertThat(read.certificate()).isEqualTo(original.certificate());
        assertThat(read.intermediates()).containsExactly(INTERMEDIATE.certificate());
        assertThat(read.privateKey()).isEqualTo(original.privateKey());
        assertThat(read.root()).isEqualTo(ROOT.certificate());
    }

    @Test
    void selfSignedCertificateAtTheEndOfAChainIsTakenAsTheRoot() {
        Credential original = INTERMEDIATE.issue().server("httpbin.example.com").build();
        String withRoot = original.chainPem() + original.rootPem();

        Credential read = Credential.fromPem(withRoot, original.privateKeyPem());
        Credential withoutRoot = Credential.fromPem(original.chainPem(), original.privateKeyPem());

        assertThat(read.chain()).isEqualTo(original.chain());
        assertThat(read.root()).isEqualTo(ROOT.certificate());
        assertThat(withoutRoot.hasRoot()).isFalse();
        assertThatThrownBy(withoutRoot::root).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CN=httpbin.example.com").hasMessageContaining("fromPem(chain, key, rootPem)");
    }

    @Test
    void readsTraditionalRsaAndEcKeys() throws Exception {
        for (KeyAlgorithm algorithm : List.of(KeyAlgorithm.RSA_2048, KeyAlgorithm.ECDSA_P256, KeyAlgorithm.ECDSA_P384)) {
            KeyPair keys = algorithm.generateKeyPair();
            String traditional = traditionalPem(keys);
            Credential credential = ROOT.issue().server("legacy.example.com").keyPair(keys).build();

            assertThat(traditional).startsWith(algorithm.isRsa() ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN EC PRIVATE KEY-----");
            assertThat(KeyAlgorithm.of(Pem.readPrivateKey(traditional))).isEqualTo(algorithm);
            // fromPem proves the key read belongs to the certificate by a signature round trip
            assertThat(Credential.fromPem(credential.chainPem(), traditional).certificate()).isEqualTo(credential.certificate());
        }
    }

    @Test
    void readsCertificateListsIgnoringTextBetweenBlocks() {
        String pem = "subject=CN = example.com\n" + ROOT.certificatePem() + "issuer=whatever\n" + INTERMEDIATE.certificatePem();

        assertThat(Pem.readCertificates(pem)).containsExactly(ROOT.certificate(), INTERMEDIATE.certificate());
        assertThat(Pem.encode(List.of(ROOT.certificate(), INTERMEDIATE.certificate())))
                .isEqualTo(ROOT.certificatePem() + INTERMEDIATE.certificatePem());
    }

    /**
     * What openssl writes with {@code -traditional} or {@code openssl ec}: PKCS#1 RSA or SEC 1 EC keys (the EC
     * key goes through BouncyCastle's provider, whose encoding carries the curve inside the SEC 1 structure as
     * openssl's does).
     */
    private static String traditionalPem(KeyPair keys) throws Exception {
        PrivateKey key = keys.getPrivate();
        if (key.getAlgorithm().equals("EC")) {
            key = KeyFactory.getInstance("EC", new BouncyCastleProvider())
                    .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        }
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(new KeyPair(keys.getPublic(), key));
        }
        return text.toString();
    }
}

package dev.secureingress.tls;

import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MatchingKeysTest {

    private static final CertificateAuthority ROOT = CertificateAuthority.root("O=example Inc.,CN=example.com").build();

    private static Credential leaf(KeyAlgorithm algorithm) {
        return ROOT.issue().server("keys.example.com").keyAlgorithm(algorithm).build();
    }

    @Test
    void aKeyBelongsToItsOwnCertificateOnly() {
        for (KeyAlgorithm algorithm : List.of(KeyAlgorithm.ECDSA_P256, KeyAlgorithm.ECDSA_P384, KeyAlgorithm.RSA_2048)) {
            Credential one = leaf(algorithm);
            Credential other = leaf(algorithm);

            assertThat(MatchingKeys.belong(one.privateKey(), one.certificate().getPublicKey())).as(algorithm.name()).isTrue();
            assertThat(MatchingKeys.belong(other.privateKey(), one.certificate().getPublicKey())).as(algorithm.name()).isFalse();
        }
    }

    @Test
    void keysOfAnotherTypeOrCurveDoNotBelong() {
        Credential p256 = leaf(KeyAlgorithm.ECDSA_P256);
        Credential p384 = leaf(KeyAlgorithm.ECDSA_P384);
        Credential rsa = leaf(KeyAlgorithm.RSA_2048);

        assertThat(MatchingKeys.belong(p256.privateKey(), p384.certificate().getPublicKey())).isFalse();
        assertThat(MatchingKeys.belong(p384.privateKey(), p256.certificate().getPublicKey())).isFalse();
        assertThat(MatchingKeys.belong(rsa.privateKey(), p256.certificate().getPublicKey())).isFalse();
        assertThat(MatchingKeys.belong(p256.privateKey(), rsa.certificate().getPublicKey())).isFalse();
    }

    @Test
    void jdkGeneratedKeysOnP521AreMatchedToo() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp521r1"));
        KeyPair one = generator.generateKeyPair();
        KeyPair other = generator.generateKeyPair();

        assertThat(MatchingKeys.belong(one.getPrivate(), one.getPublic())).isTrue();
        assertThat(MatchingKeys.belong(other.getPrivate(), one.getPublic())).isFalse();
    }
}

package dev.secureingress.embedded.dataplane;

import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.KeyAlgorithm;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ListenerCertificatesTest {

    private static final CertificateAuthority CA = Programs.rootCa();

    private static TlsProgram.ServerCertificate certificate(KeyAlgorithm algorithm) {
        return TlsProgram.ServerCertificate.of(CA.issue().server("keys.example.com").keyAlgorithm(algorithm).build());
    }

    @Test
    void choosesTheCertificateWhoseKeyTypeIsAskedFor() {
        TlsProgram.ServerCertificate rsa = certificate(KeyAlgorithm.RSA_2048);
        TlsProgram.ServerCertificate ecdsa = certificate(KeyAlgorithm.ECDSA_P256);
        ListenerCertificates certificates = new ListenerCertificates(List.of(rsa, ecdsa), false);

        assertThat(certificates.getPrivateKey(certificates.chooseEngineServerAlias("RSA", null, null)))
                .isEqualTo(rsa.privateKey());
        assertThat(certificates.getCertificateChain(certificates.chooseEngineServerAlias("EC", null, null)))
                .containsExactlyElementsOf(ecdsa.chain());
        assertThat(certificates.getPrivateKey(certificates.chooseEngineServerAlias("EC_RSA", null, null)))
                .as("an ECDH key named with its issuer's signature").isEqualTo(ecdsa.privateKey());
        assertThat(certificates.chooseEngineServerAlias("DSA", null, null)).isNull();
    }

    @Test
    void anyKeyTypeOffersTheOnlyCertificateWhateverIsAskedFor() {
        TlsProgram.ServerCertificate ecdsa = certificate(KeyAlgorithm.ECDSA_P256);

        assertThat(new ListenerCertificates(List.of(ecdsa), true).chooseEngineServerAlias("RSA", null, null))
                .isNotNull();
        assertThat(new ListenerCertificates(List.of(ecdsa), false).chooseEngineServerAlias("RSA", null, null))
                .isNull();
    }

    @Test
    void presentsReplacedCertificatesWhileAnAliasChosenJustBeforeStillReadsAMatchingKeyAndChain() {
        TlsProgram.ServerCertificate first = certificate(KeyAlgorithm.ECDSA_P256);
        TlsProgram.ServerCertificate second = certificate(KeyAlgorithm.ECDSA_P256);
        TlsProgram.ServerCertificate third = certificate(KeyAlgorithm.ECDSA_P256);
        ListenerCertificates certificates = new ListenerCertificates(List.of(first), true);
        String chosenBefore = certificates.chooseEngineServerAlias("EC", null, null);

        certificates.present(List.of(second));

        assertThat(certificates.getPrivateKey(certificates.chooseEngineServerAlias("EC", null, null)))
                .isEqualTo(second.privateKey());
        assertThat(certificates.getPrivateKey(chosenBefore)).isEqualTo(first.privateKey());
        assertThat(certificates.getCertificateChain(chosenBefore)).containsExactlyElementsOf(first.chain());

        certificates.present(List.of(third));

        assertThat(certificates.getPrivateKey(chosenBefore)).as("two replacements later").isNull();
        assertThat(certificates.presented()).containsExactly(third);
    }

    @Test
    void toStringShowsNoPrivateKey() {
        TlsProgram.ServerCertificate ecdsa = certificate(KeyAlgorithm.ECDSA_P256);

        assertThat(new ListenerCertificates(List.of(ecdsa), true).toString())
                .contains("keys.example.com").doesNotContain(ecdsa.privateKey().toString());
    }
}

package dev.secureingress.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.Test;

class SecretLayoutTest {

    private static final CertificateAuthority ROOT = CertificateAuthority.root("O=example Inc.,CN=example.com").build();
    private static final CertificateAuthority INTERMEDIATE = ROOT.intermediate("CN=Gateway CA").build();
    private static final Credential HTTPBIN = INTERMEDIATE.issue().server("httpbin.example.com").build();

    @Test
    void tlsSecretHoldsChainAndKeyLikeKubectlCreateSecretTls() {
        List<Secret> secrets = SecretLayout.TLS.secrets("istio-system", "httpbin-credential", HTTPBIN);

        assertThat(secrets).hasSize(1);
        Secret secret = secrets.get(0);
        assertThat(secret.getMetadata().getNamespace()).isEqualTo("istio-system");
        assertThat(secret.getMetadata().getName()).isEqualTo("httpbin-credential");
        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key");
        assertThat(Pem.readCertificates(decoded(secret, "tls.crt")))
                .containsExactly(HTTPBIN.certificate(), INTERMEDIATE.certificate());
        assertThat(decoded(secret, "tls.key")).isEqualTo(HTTPBIN.privateKeyPem());
    }

    @Test
    void tlsSecretWithCaAddsCaCrt() {
        Secret secret = SecretLayout.TLS.secrets("istio-system", "httpbin-credential", HTTPBIN, List.of(ROOT.certificate())).get(0);

        assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
        assertThat(decoded(secret, "ca.crt")).isEqualTo(ROOT.certificatePem());
        assertThat(SecretLayout.caCertificatesOf(secret)).containsExactly(ROOT.certificate());
    }

    @Test
    void genericSecretUsesCertKeyAndCacert() {
        Secret secret = SecretLayout.GENERIC.secrets("istio-system", "httpbin-credential", HTTPBIN, List.of(ROOT.certificate())).get(0);

        assertThat(secret.getType()).isEqualTo("Opaque");
        assertThat(secret.getData()).containsOnlyKeys("cert", "key", "cacert");
        assertThat(decoded(secret, "cert")).isEqualTo(HTTPBIN.chainPem());
        assertThat(decoded(secret, "key")).isEqualTo(HTTPBIN.privateKeyPem());
        assertThat(decoded(secret, "cacert")).isEqualTo(ROOT.certificatePem());
    }

    @Test
    void separateCacertSecretIsNamedAfterTheCredential() {
        List<Secret> secrets = SecretLayout.SEPARATE_CACERT.secrets("istio-system", "httpbin-credential", HTTPBIN,
                List.of(ROOT.certificate()));

        assertThat(secrets).extracting(secret -> secret.getMetadata().getName())
                .containsExactly("httpbin-credential", "httpbin-credential-cacert");
        assertThat(secrets.get(0).getData()).containsOnlyKeys("tls.crt", "tls.key");
        assertThat(secrets.get(1).getData()).containsOnlyKeys("ca.crt");
        assertThat(SecretLayout.caCertificatesOf(secrets.get(1))).containsExactly(ROOT.certificate());
        assertThatThrownBy(() -> SecretLayout.SEPARATE_CACERT.secrets("istio-system", "httpbin-credential", HTTPBIN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("httpbin-credential-cacert");
    }

    @Test
    void everyLayoutReadsBackToTheSameCredential() {
        for (SecretLayout layout : SecretLayout.values()) {
            Secret main = layout.secrets("default", "credential", HTTPBIN, List.of(ROOT.certificate())).get(0);

            Credential read = SecretLayout.credentialOf(main);

            assertThat(read.chain()).as(layout.name()).isEqualTo(HTTPBIN.chain());
            assertThat(read.privateKey()).as(layout.name()).isEqualTo(HTTPBIN.privateKey());
        }
    }

    @Test
    void readsPlainPemFromStringData() {
        Secret secret = new SecretBuilder().withNewMetadata().withNamespace("default").withName("plain").endMetadata()
                .withStringData(Map.of("tls.crt", HTTPBIN.chainPem(), "tls.key", HTTPBIN.privateKeyPem())).build();

        assertThat(SecretLayout.credentialOf(secret).certificate()).isEqualTo(HTTPBIN.certificate());
        assertThat(SecretLayout.caCertificatesOf(secret)).isEmpty();
    }

    @Test
    void badSecretsAreReportedWithTheirNameAndEntry() {
        Secret empty = new SecretBuilder().withNewMetadata().withNamespace("istio-system").withName("empty").endMetadata()
                .withData(Map.of("unrelated", "eA==")).build();
        Secret garbage = new SecretBuilder().withNewMetadata().withNamespace("istio-system").withName("garbage").endMetadata()
                .withStringData(Map.of("tls.crt", "not a certificate", "tls.key", HTTPBIN.privateKeyPem())).build();
        Credential other = ROOT.issue().server("other.example.com").build();
        Secret mismatched = new SecretBuilder().withNewMetadata().withNamespace("istio-system").withName("mismatched").endMetadata()
                .withStringData(Map.of("tls.crt", HTTPBIN.chainPem(), "tls.key", other.privateKeyPem())).build();

        assertThatThrownBy(() -> SecretLayout.credentialOf(empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("istio-system/empty").hasMessageContaining("tls.crt and tls.key").hasMessageContaining("unrelated");
        assertThatThrownBy(() -> SecretLayout.credentialOf(garbage)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls.crt of secret istio-system/garbage").hasMessageContaining("no PEM certificate");
        assertThatThrownBy(() -> SecretLayout.credentialOf(mismatched)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("istio-system/mismatched").hasMessageContaining("does not belong to the certificate");
        assertThatThrownBy(() -> SecretLayout.TLS.secrets("istio-system", "Bad_Name", HTTPBIN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"Bad_Name\" is not a valid Kubernetes name");
    }

    private static String decoded(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.US_ASCII);
    }
}

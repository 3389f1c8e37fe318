package dev.secureingress.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every kind of bad input ends in an exception that names the offending value and says what to do. */
class BadInputTest {

    private static final CertificateAuthority ROOT = CertificateAuthority.root("O=example Inc.,CN=example.com").build();

    @ParameterizedTest
    @ValueSource(strings = {"bad_host.example.com", "-leading.example.com", "trailing-.example.com", "double..dot.com",
            "*.com", "www.*.example.com", "sp ace.example.com", "toolonglabel-toolonglabel-toolonglabel-toolonglabel-toolonglabel.com"})
    void invalidHostNames(String host) {
        assertThatThrownBy(() -> ROOT.issue().server(host))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"" + host + "\" is not a valid host name").hasMessageContaining("*.example.com");
    }

    @Test
    void emptyOrUnparseableSubjects() {
        assertThatThrownBy(() -> CertificateAuthority.root(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subject DN is empty")
                .hasMessageContaining("CN=example.com");
        assertThatThrownBy(() -> ROOT.issue().subject("   "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subject DN is empty");
        assertThatThrownBy(() -> CertificateAuthority.root("example.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"example.com\" cannot be parsed");
        assertThatThrownBy(() -> ROOT.issue().client().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("client certificate has no subject");
        assertThatThrownBy(() -> ROOT.issue().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("call server(");
        assertThatThrownBy(() -> ROOT.issue().server().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no host name");
    }

    @Test
    void keyNotMatchingTheCertificate() {
        Credential httpbin = ROOT.issue().server("httpbin.example.com").build();
        Credential other = ROOT.issue().server("other.example.com").build();

        assertThatThrownBy(() -> Credential.fromPem(httpbin.chainPem(), other.privateKeyPem()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong to the certificate CN=httpbin.example.com")
                .hasMessageContaining("openssl pkey -pubout");
        assertThatThrownBy(() -> Credential.of(httpbin.certificate(), httpbin.intermediates(), other.privateKey(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not belong");
        Credential rsa = ROOT.issue().server("rsa.example.com").keyAlgorithm(KeyAlgorithm.RSA_2048).build();
        assertThatThrownBy(() -> Credential.fromPem(httpbin.chainPem(), rsa.privateKeyPem()))
                .as("key of another type").isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(RSA) does not belong");
    }

    @Test
    void issuerWithoutTheCaFlag() {
        Credential leaf = ROOT.issue().server("httpbin.example.com").build();

        assertThatThrownBy(() -> CertificateAuthority.fromPem(leaf.chainPem(), leaf.privateKeyPem()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CN=httpbin.example.com is not a CA").hasMessageContaining("basicConstraints");
    }

    @Test
    void pemGarbage() {
        Credential leaf = ROOT.issue().server("httpbin.example.com").build();
        String truncated = leaf.certificatePem().substring(0, leaf.certificatePem().length() / 2);
        String corrupted = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";

        assertThatThrownBy(() -> Pem.readCertificates("hello world"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no PEM certificate");
        assertThatThrownBy(() -> Pem.readCertificates(truncated))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid PEM");
        assertThatThrownBy(() -> Pem.readCertificates(corrupted, "tls.crt"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("tls.crt");
        assertThatThrownBy(() -> Pem.readCertificates(leaf.privateKeyPem()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only CERTIFICATE blocks are expected");
        assertThatThrownBy(() -> Pem.readPrivateKey(leaf.certificatePem()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("where a private key is expected");
        assertThatThrownBy(() -> Pem.readPrivateKey(leaf.privateKeyPem() + leaf.privateKeyPem()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds 2 private keys");
        assertThatThrownBy(() -> Pem.readPrivateKey(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is empty");
    }

    @Test
    void intermediateMissingItsRoot() throws Exception {
        CertificateAuthority intermediate = ROOT.intermediate("CN=Intermediate").build();

        assertThatThrownBy(() -> CertificateAuthority.fromPem(intermediate.certificatePem(), intermediate.credential().privateKeyPem()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("append the root certificate");
        CertificateAuthority read = CertificateAuthority.fromPem(
                intermediate.certificatePem() + ROOT.certificatePem(), intermediate.credential().privateKeyPem());
        Credential leaf = read.issue().server("via-pem.example.com").build();
        assertThat(read.isRoot()).isFalse();
        Pkix.validate(leaf.chain(), ROOT.certificate());
    }
}

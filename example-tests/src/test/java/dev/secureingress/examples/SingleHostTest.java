package dev.secureingress.examples;

import dev.secureingress.client.HandshakeFailure;
import dev.secureingress.client.IngressClient;
import dev.secureingress.junit.ForHost;
import dev.secureingress.junit.IngressHost;
import dev.secureingress.junit.SecureIngress;
import dev.secureingress.junit.SecureIngressTest;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.secureingress.assertions.IngressAssertions.assertThat;

/**
 * "Configure a TLS ingress gateway for a single host": httpbin behind an HTTPS listener for
 * {@code httpbin.example.com} whose HTTPRoute exposes {@code /status} and {@code /delay}; the client
 * trusts the root that issued the host's certificate (the seed's {@code example_certs1/example.com.crt}).
 */
@DisplayName("single host: httpbin.example.com through a TLS gateway")
@SecureIngressTest(fixtures = "httpbin",
        hosts = @IngressHost(name = "httpbin.example.com", backend = "httpbin:8000", paths = {"/status", "/delay"}))
class SingleHostTest {

    @Test
    @DisplayName("GET /status/418 answers the teapot, over a certificate issued by the class's root")
    void teapot(IngressClient client, CertificateAuthority root) {
        assertThat(client.get("https://httpbin.example.com/status/418"))
                .isTeapot()
                .servedCertificate()
                .isIssuedBy(root)
                .hasSubject("CN=httpbin.example.com,O=httpbin organization")
                .hasSubjectAltNames("httpbin.example.com")
                .isValidNow();
    }

    @Test
    @DisplayName("GET /delay/1 reaches httpbin through the /delay prefix")
    void delay(IngressClient client) {
        assertThat(client.get("https://httpbin.example.com/delay/1"))
                .isOk()
                .bodyContains("httpbin.example.com", "/delay/1");
    }

    @ParameterizedTest(name = "GET {0} is 404: the route does not expose it")
    @ValueSource(strings = {"/", "/get", "/headers", "/statusx", "/anything/status/418"})
    @DisplayName("paths outside /status and /delay are 404")
    void pathsTheRouteDoesNotExposeAreNotFound(String path, IngressClient client) {
        assertThat(client.get("httpbin.example.com", path)).isNotFound();
    }

    @Test
    @DisplayName("the gateway serves exactly the host's credential")
    void servesTheHostsCredential(SecureIngress ingress, @ForHost("httpbin.example.com") Credential httpbin) {
        try (IngressClient client = ingress.clientBuilder().freshConnections().build()) {
            assertThat(client.probe("httpbin.example.com"))
                    .succeeded()
                    .servedCertificate()
                    .isEqualTo(httpbin.certificate());
        }
    }

    @Test
    @DisplayName("a client that trusts another root (same subject, other key) refuses the gateway")
    void anotherRootIsNotTrusted(SecureIngress ingress) {
        CertificateAuthority otherRoot = ingress.newRootCa();
        try (IngressClient client = ingress.clientBuilder().trustNothingYet().trust(otherRoot).freshConnections().build()) {
            assertThat(client.probe("httpbin.example.com"))
                    .wasRefusedBecause(HandshakeFailure.Reason.UNTRUSTED_ISSUER);
        }
    }
}

package dev.secureingress.examples;

import dev.secureingress.client.IngressClient;
import dev.secureingress.ingress.PathType;
import dev.secureingress.junit.ForHost;
import dev.secureingress.junit.IngressHost;
import dev.secureingress.junit.SecureIngress;
import dev.secureingress.junit.SecureIngressTest;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.secureingress.assertions.IngressAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Configure a TLS ingress gateway for multiple hosts": one Gateway with two HTTPS listeners on 443,
 * {@code httpbin.example.com} and {@code helloworld.example.com}, each with its own credential and its
 * own HTTPRoute; helloworld's route matches {@code /hello} exactly.
 */
@DisplayName("multiple hosts: httpbin and helloworld, each with its own certificate and route")
@SecureIngressTest(fixtures = {"httpbin", "helloworld-v1"}, hosts = {
        @IngressHost(name = "httpbin.example.com", backend = "httpbin:8000", paths = {"/status", "/delay"}),
        @IngressHost(name = "helloworld.example.com", backend = "helloworld:5000", paths = "/hello",
                pathType = PathType.EXACT)})
class MultipleHostsTest {

    @Test
    @DisplayName("GET https://helloworld.example.com/hello answers from helloworld v1")
    void helloFromV1(IngressClient client) {
        assertThat(client.get("https://helloworld.example.com/hello")).isHelloFrom("v1");
    }

    @Test
    @DisplayName("httpbin.example.com still answers the teapot")
    void httpbinStillTheTeapot(IngressClient client) {
        assertThat(client.get("https://httpbin.example.com/status/418")).isTeapot();
    }

    @Test
    @DisplayName("SNI: each host is served its own certificate")
    void eachHostIsServedItsOwnCertificate(SecureIngress ingress, CertificateAuthority root,
                                           @ForHost("httpbin.example.com") Credential httpbin,
                                           @ForHost("helloworld.example.com") Credential helloworld) {
        assertThat(httpbin.certificate()).isNotEqualTo(helloworld.certificate());
        try (IngressClient client = ingress.clientBuilder().freshConnections().build()) {
            assertThat(client.probe("httpbin.example.com")).succeeded()
                    .servedCertificate().isEqualTo(httpbin.certificate()).isIssuedBy(root)
                    .hasSubjectAltNames("httpbin.example.com");
            assertThat(client.probe("helloworld.example.com")).succeeded()
                    .servedCertificate().isEqualTo(helloworld.certificate()).isIssuedBy(root)
                    .hasSubject("CN=helloworld.example.com,O=helloworld organization")
                    .hasSubjectAltNames("helloworld.example.com");
        }
    }

    @Test
    @DisplayName("a host without a listener gets no certificate: the handshake is refused")
    void unknownHostIsRefused(SecureIngress ingress) {
        try (IngressClient client = ingress.clientBuilder().freshConnections().build()) {
            assertThat(client.probe("other.example.com")).wasRefused();
        }
    }

    @ParameterizedTest(name = "GET https://{0}{1} is 404")
    @CsvSource({
            "helloworld.example.com, /hello/",
            "helloworld.example.com, /hello/world",
            "helloworld.example.com, /hellooo",
            "helloworld.example.com, /status/418",
            "httpbin.example.com,    /hello"})
    @DisplayName("each route serves only its own host's paths; /hello is Exact, so /hello/ is 404")
    void pathsOutsideTheHostsRouteAreNotFound(String host, String path, IngressClient client) {
        assertThat(client.get(host, path)).isNotFound();
    }
}

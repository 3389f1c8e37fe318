package dev.secureingress.examples;

import dev.secureingress.client.HandshakeFailure;
import dev.secureingress.client.IngressClient;
import dev.secureingress.client.IngressRequestException;
import dev.secureingress.ingress.TlsMode;
import dev.secureingress.junit.IngressHost;
import dev.secureingress.junit.SecureIngress;
import dev.secureingress.junit.SecureIngressTest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.secureingress.assertions.IngressAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * "Configure a mutual TLS ingress gateway": the listener's TLS mode is MUTUAL, so the gateway asks for
 * a client certificate and accepts only one issued by the CA in the Secret's {@code ca.crt} (the
 * class's root, which also issued {@code client.example.com}).
 */
@DisplayName("mutual TLS: the gateway requires a client certificate from the trusted root")
@SecureIngressTest(fixtures = "httpbin", hosts = @IngressHost(name = "httpbin.example.com",
        backend = "httpbin:8000", paths = "/status", tls = TlsMode.MUTUAL))
class MutualTlsTest {

    private static final String HOST = "httpbin.example.com";
    private static final String TEAPOT = "https://httpbin.example.com/status/418";

    @Test
    @DisplayName("with client.example.com's certificate: the teapot")
    void clientCertificateIsAccepted(SecureIngress ingress) {
        try (IngressClient client = ingress.clientBuilder().clientCertificate(ingress.clientCredential()).build()) {
            assertThat(client.probe(HOST)).succeeded();
            assertThat(client.probe(HOST).clientCertificateRequested()).as("the gateway asked for a client certificate").isTrue();
            assertThat(client.get(TEAPOT)).isTeapot();
        }
    }

    @Test
    @DisplayName("without a client certificate: refused with the alert certificate_required, no HTTP response")
    void noClientCertificateIsRefused(SecureIngress ingress) {
        try (IngressClient client = refusedClient(ingress).noClientCertificate().build()) {
            assertThat(client.probe(HOST)).wasRefusedWithAlert("certificate_required");
            // a request may see the alert or, having written first, the closed connection: either way no response
            assertThatThrownBy(() -> client.get(TEAPOT)).isInstanceOf(IngressRequestException.class);
        }
    }

    @Test
    @DisplayName("with a client certificate from another root: refused by a TLS alert, no HTTP response")
    void clientCertificateFromAnotherRootIsRefused(SecureIngress ingress) {
        try (IngressClient client = refusedClient(ingress)
                .clientCertificate(ingress.clientCredential(ingress.newRootCa())).build()) {
            assertThat(client.probe(HOST)).wasRefusedBecause(HandshakeFailure.Reason.TLS_ALERT);
            assertThatThrownBy(() -> client.get(TEAPOT)).isInstanceOf(IngressRequestException.class);
        }
    }

    /**
     * Fresh connections, and a TLS 1.3 probe that waits up to 10 s after the handshake for the gateway's
     * verdict on the client certificate (it comes at once when there is one; a loaded machine may delay it).
     */
    private static IngressClient.Builder refusedClient(SecureIngress ingress) {
        return ingress.clientBuilder().freshConnections().postHandshakeWait(Duration.ofSeconds(10));
    }
}

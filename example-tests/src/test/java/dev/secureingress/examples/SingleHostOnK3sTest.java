package dev.secureingress.examples;

import dev.secureingress.client.IngressClient;
import dev.secureingress.cluster.k3s.K3sCluster;
import dev.secureingress.junit.IngressHost;
import dev.secureingress.junit.SecureIngress;
import dev.secureingress.junit.SecureIngressTest;
import dev.secureingress.tls.CertificateAuthority;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import static dev.secureingress.assertions.IngressAssertions.assertThat;

/**
 * The single-host scenario on real Istio: k3s in Docker with the Gateway API CRDs and istiod (backend
 * {@code k3s}, whatever {@code secure-ingress.backend} says). Where Testcontainers finds no Docker engine
 * the class is reported as skipped with that reason, never as passed; the other examples then run on the
 * embedded backend.
 */
@DisplayName("single host on k3s: httpbin.example.com through Istio's gateway")
@SecureIngressTest(backend = "k3s", fixtures = "httpbin",
        hosts = @IngressHost(name = "httpbin.example.com", backend = "httpbin:8000", paths = {"/status", "/delay"}))
@EnabledIf(value = "dockerAvailable",
        disabledReason = "k3s runs in Docker, and Testcontainers finds no Docker engine here; start Docker to run it")
class SingleHostOnK3sTest {

    static boolean dockerAvailable() {
        return K3sCluster.dockerUnavailableReason().isEmpty();
    }

    @Test
    @DisplayName("GET /status/418 answers the teapot through Istio, over a certificate issued by the class's root")
    void teapot(IngressClient client, CertificateAuthority root) {
        assertThat(client.get("https://httpbin.example.com/status/418"))
                .isTeapot()
                .servedCertificate()
                .isIssuedBy(root)
                .hasSubjectAltNames("httpbin.example.com");
    }

    @Test
    @DisplayName("paths the route does not expose are 404 from Istio's gateway")
    void unexposedPathIsNotFound(IngressClient client) {
        assertThat(client.get("httpbin.example.com", "/get")).isNotFound();
    }

    @Test
    @DisplayName("the cluster under the test is k3s")
    void runsOnK3s(SecureIngress ingress) {
        org.assertj.core.api.Assertions.assertThat(ingress.cluster().backendName()).isEqualTo("k3s");
    }
}

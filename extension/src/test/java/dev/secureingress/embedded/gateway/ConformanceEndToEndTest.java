package dev.secureingress.embedded.gateway;

import dev.secureingress.client.IngressClient;
import dev.secureingress.client.IngressResponse;
import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.embedded.EmbeddedCluster;
import dev.secureingress.tls.CertificateAuthority;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.client.KubernetesClient;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import static dev.secureingress.embedded.gateway.ConformanceManifests.INFRA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The conformance manifests served for real: echo stand-ins behind the infra backends, the Netty data plane
 * in front, and the responses the spec implies for the routes of the applied test manifests.
 */
class ConformanceEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private static EmbeddedCluster cluster;
    private static KubernetesClient client;
    private static CertificateAuthority ca;

    @BeforeAll
    static void start() throws IOException {
        if (ConformanceManifests.missing().isPresent()) {
            return;
        }
        cluster = EmbeddedCluster.builder().start();
        client = cluster.client();
        ca = CertificateAuthority.root("O=conformance,CN=conformance").build();
        ConformanceManifests.applyAll(client,
                ca.issue().server(ConformanceManifests.HOSTNAMES.toArray(String[]::new)).build());
    }

    @BeforeEach
    void requireManifests() {
        String missing = ConformanceManifests.missing().orElse(null);
        assumeThat(missing).as(missing).isNull();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static InetSocketAddress endpoint(String gateway, int port) {
        BoundedWait.<Gateway>forState("Gateway " + INFRA + "/" + gateway + " Programmed").atMost(WAIT)
                .describedBy(dev.secureingress.cluster.ConditionReport::of)
                .until(() -> client.resources(Gateway.class).inNamespace(INFRA).withName(gateway).get(),
                        dev.secureingress.cluster.ConditionReport.hasCondition("Programmed", "True"));
        return cluster.gatewayEndpoint(INFRA, gateway, port);
    }

    /** One plain HTTP request through the gateway; the echo backend answers with its pod name in JSON. */
    private static Echo http(InetSocketAddress endpoint, String host, String path, String header, String value) {
        OkHttpClient http = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
        Request.Builder request = new Request.Builder()
                .url("http://" + endpoint.getAddress().getHostAddress() + ":" + endpoint.getPort() + path)
                .header("Host", host);
        if (header != null) {
            request.header(header, value);
        }
        try (Response response = http.newCall(request.build()).execute()) {
            return new Echo(response.code(), response.body().string());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            http.connectionPool().evictAll();
            http.dispatcher().executorService().shutdown();
        }
    }

    private record Echo(int status, String body) {
        boolean from(String backend) {
            return status == 200 && body.contains("\"pod\"") && body.contains(backend);
        }
    }

    @Test
    void exactPathMatchingRoutesToEachBackend() {
        InetSocketAddress endpoint = endpoint("same-namespace", 80);
        BoundedWait.<Echo>forState("/one served by infra-backend-v1").atMost(WAIT)
                .until(() -> http(endpoint, "example.com", "/one", null, null), e -> e.from("infra-backend-v1"));
        assertThat(http(endpoint, "example.com", "/two", null, null).from("infra-backend-v2")).isTrue();
    }

    @Test
    void headerMatchesChooseTheBackend() {
        InetSocketAddress endpoint = endpoint("same-namespace", 80);
        BoundedWait.<Echo>forState("version: two served by infra-backend-v2").atMost(WAIT)
                .until(() -> http(endpoint, "example.com", "/", "version", "two"), e -> e.from("infra-backend-v2"));
        assertThat(http(endpoint, "example.com", "/v2", null, null).from("infra-backend-v2")).isTrue();
        assertThat(http(endpoint, "example.com", "/", "version", "one").from("infra-backend-v1")).isTrue();
    }

    @Test
    void httpsListenersServeTheirRoutesBySniAndHost() {
        InetSocketAddress endpoint = endpoint("same-namespace-with-https-listener", 443);
        try (IngressClient https = IngressClient.builder().trust(ca).resolve("example.org", 443, endpoint)
                .resolve("second-example.org", 443, endpoint).freshConnections().build()) {
            IngressResponse first = BoundedWait.<IngressResponse>forState("example.org served by infra-backend-v1")
                    .atMost(WAIT).until(() -> https.get("example.org", "/"), r -> r.status() == 200);
            assertThat(first.body()).contains("infra-backend-v1");
            assertThat(https.get("second-example.org", "/").body()).contains("infra-backend-v2");
        }
    }
}

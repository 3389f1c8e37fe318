package dev.secureingress.embedded.workload;

import dev.secureingress.cluster.FixtureDeployer;
import dev.secureingress.embedded.api.EmbeddedApiServer;
import dev.secureingress.fixtures.Fixture;
import dev.secureingress.fixtures.StandIns;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The fallback for machines that only route 127.0.0.1: pods share it and Endpoints carry the bound ports. */
class LocalhostAddressingTest {

    @Test
    void podsListenOnLocalhostEphemeralPortsAndEndpointsSaySo() {
        try (EmbeddedApiServer api = EmbeddedApiServer.start();
             WorkloadController controller = WorkloadController.builder(api.client()).standIns(StandIns.withDefaults())
                     .podAddressing(PodAddressing.LOCALHOST).build().start()) {
            KubernetesClient client = api.client();
            new FixtureDeployer(client).timeout(Duration.ofSeconds(60)).deploy(Fixture.HTTPBIN, "default");

            Pod pod = client.pods().inNamespace("default").withLabel("app", "httpbin").list().getItems().get(0);
            assertThat(pod.getStatus().getPodIP()).isEqualTo("127.0.0.1");
            Endpoints endpoints = WorkloadControllerTest.awaitEndpoints(client, "default", "httpbin", 1);
            InetSocketAddress endpoint = WorkloadControllerTest.endpointSockets(endpoints).get(0);
            assertThat(endpoint.getHostString()).isEqualTo("127.0.0.1");
            assertThat(endpoint.getPort()).isNotEqualTo(8080);
            assertThat(HttpCheck.get(endpoint, "/status/418").status()).isEqualTo(418);
            assertThat(controller.podAddressing()).isEqualTo(PodAddressing.LOCALHOST);
        }
    }
}

package dev.secureingress.embedded;

import dev.secureingress.cluster.BoundedWait;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The Service {@code default/kubernetes} of an embedded cluster, as on a real cluster, kept by its controllers. */
class KubernetesServiceTest {

    @RegisterExtension
    static final EmbeddedClusterForClass cluster = new EmbeddedClusterForClass();
    private static KubernetesClient client;
    private static URI apiServer;

    @BeforeAll
    static void start() {
        client = cluster.client();
        apiServer = URI.create(cluster.apiServer().url());
    }

    @Test
    void theKubernetesServiceHasTheFirstAddressOfTheServiceRangeAndSendsPort443ToTheApiServer() {
        Service service = client.services().inNamespace("default").withName("kubernetes").get();

        assertThat(service.getMetadata().getLabels())
                .containsEntry("component", "apiserver").containsEntry("provider", "kubernetes");
        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(service.getSpec().getClusterIP()).isEqualTo("10.96.0.1");
        assertThat(service.getSpec().getClusterIPs()).containsExactly("10.96.0.1");
        assertThat(service.getSpec().getSelector()).isNullOrEmpty();
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getName()).isEqualTo("https");
            assertThat(port.getPort()).isEqualTo(443);
            assertThat(port.getProtocol()).isEqualTo("TCP");
            assertThat(port.getTargetPort().getIntVal()).isEqualTo(apiServer.getPort());
        });
    }

    @Test
    void itsEndpointsAndEndpointSliceNameTheApiServersAddressAndPort() {
        Endpoints endpoints = client.endpoints().inNamespace("default").withName("kubernetes").get();
        EndpointSlice slice = client.discovery().v1().endpointSlices().inNamespace("default").withName("kubernetes")
                .get();

        assertThat(endpoints.getSubsets()).singleElement().satisfies(subset -> {
            assertThat(subset.getAddresses()).singleElement()
                    .satisfies(address -> assertThat(address.getIp()).isEqualTo(apiServer.getHost()));
            assertThat(subset.getPorts()).singleElement().satisfies(port -> {
                assertThat(port.getName()).isEqualTo("https");
                assertThat(port.getPort()).isEqualTo(apiServer.getPort());
            });
        });
        assertThat(slice.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "kubernetes");
        assertThat(slice.getEndpoints()).singleElement().satisfies(endpoint -> {
            assertThat(endpoint.getAddresses()).containsExactly(apiServer.getHost());
            assertThat(endpoint.getConditions().getReady()).isTrue();
        });
        assertThat(slice.getPorts()).singleElement().satisfies(port -> assertThat(port.getPort())
                .isEqualTo(apiServer.getPort()));
    }

    @Test
    void theEndpointsControllerLeavesTheEndpointsOfTheSelectorlessServiceAlone() {
        Endpoints endpointsBefore = client.endpoints().inNamespace("default").withName("kubernetes").get();
        EndpointSlice sliceBefore = client.discovery().v1().endpointSlices().inNamespace("default")
                .withName("kubernetes").get();
        // a change of the Service has the controller reconcile it; the Service made after it is reconciled after it
        client.services().inNamespace("default").withName("kubernetes")
                .edit(service -> new ServiceBuilder(service).editMetadata().addToAnnotations("touched", "yes")
                        .endMetadata().build());
        String probe = "probe-" + UUID.randomUUID().toString().substring(0, 8);
        client.resource(new ServiceBuilder().withNewMetadata().withName(probe).withNamespace("default").endMetadata()
                .withNewSpec().addToSelector("app", probe).addNewPort().withPort(80).endPort().endSpec().build())
                .create();
        BoundedWait.<Endpoints>forState("Endpoints default/" + probe + " written by the endpoints controller")
                .atMost(Duration.ofSeconds(60)).pollEvery(Duration.ofMillis(50))
                .until(() -> client.endpoints().inNamespace("default").withName(probe).get(), endpoints -> endpoints != null);

        Endpoints endpointsAfter = client.endpoints().inNamespace("default").withName("kubernetes").get();
        EndpointSlice sliceAfter = client.discovery().v1().endpointSlices().inNamespace("default")
                .withName("kubernetes").get();
        assertThat(endpointsAfter.getMetadata().getResourceVersion())
                .isEqualTo(endpointsBefore.getMetadata().getResourceVersion());
        assertThat(endpointsAfter.getSubsets()).isEqualTo(endpointsBefore.getSubsets());
        assertThat(sliceAfter.getMetadata().getResourceVersion()).isEqualTo(sliceBefore.getMetadata().getResourceVersion());
        assertThat(client.discovery().v1().endpointSlices().inNamespace("default")
                .withLabel("kubernetes.io/service-name", "kubernetes").list().getItems())
                .extracting(each -> each.getMetadata().getName()).containsExactly("kubernetes");
    }
}

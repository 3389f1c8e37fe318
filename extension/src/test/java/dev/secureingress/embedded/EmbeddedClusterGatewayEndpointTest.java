package dev.secureingress.embedded;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedClusterGatewayEndpointTest {

    @RegisterExtension
    static final EmbeddedClusterForClass cluster = new EmbeddedClusterForClass();

    @Test
    void theClusterClientAndTheHttpsClientShareTheSameApi() {
        cluster.client().resource(gatewayService("shared", "127.0.0.9")).create();

        assertThat(cluster.apiServer().client().services().inNamespace("istio-system").withName("shared-istio").get())
                .as("written in process, read over HTTPS").isNotNull();
        assertThat(cluster.client().getMasterUrl().toString()).startsWith(cluster.apiServer().url());
    }

    @Test
    void readsAddressAndBoundPortFromTheGatewayService() {
        cluster.client().resource(gatewayService("bound", "127.0.0.7")).create();

        InetSocketAddress endpoint = cluster.gatewayEndpoint("istio-system", "bound", 443);

        assertThat(endpoint.getAddress().getHostAddress()).isEqualTo("127.0.0.7");
        assertThat(endpoint.getPort()).isEqualTo(10443);
    }

    @Test
    void namesTheMissingService() {
        assertThatThrownBy(() -> cluster.gatewayEndpoint("istio-system", "absent", 443))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Service istio-system/absent-istio does not exist");
    }

    @Test
    void namesTheMissingPort() {
        cluster.client().resource(gatewayService("other-port", "127.0.0.8")).create();

        assertThatThrownBy(() -> cluster.gatewayEndpoint("istio-system", "other-port", 8443))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no port 8443 (it has 443)");
    }

    @Test
    void namesTheMissingAddress() {
        cluster.client().resource(gatewayService("no-address", null)).create();

        assertThatThrownBy(() -> cluster.gatewayEndpoint("istio-system", "no-address", 443))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no status.loadBalancer.ingress[0].ip");
    }

    private static Service gatewayService(String gateway, String address) {
        ServiceBuilder service = new ServiceBuilder()
                .withNewMetadata().withName(gateway + "-istio").withNamespace("istio-system")
                .addToLabels(EmbeddedCluster.GATEWAY_NAME_LABEL, gateway).endMetadata()
                .withNewSpec().withType("LoadBalancer")
                .addNewPort().withName("https").withPort(443).withNodePort(10443).endPort()
                .endSpec();
        if (address != null) {
            service.withNewStatus().withNewLoadBalancer().addNewIngress().withIp(address).endIngress()
                    .endLoadBalancer().endStatus();
        }
        return service.build();
    }
}

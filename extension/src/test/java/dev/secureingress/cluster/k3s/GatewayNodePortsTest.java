package dev.secureingress.cluster.k3s;

import dev.secureingress.cluster.WaitTimeoutException;
import dev.secureingress.embedded.api.ApiServerForClass;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayNodePortsTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    @Test
    void keepsANodePortServiceNextToIstiosGatewayService() {
        String namespace = namespace();
        istioService(namespace, "mygateway", 443, 80);
        GatewayNodePorts nodePorts = new GatewayNodePorts(api.client(), GatewayNodePorts.range(31000, 4), Duration.ofSeconds(5));

        int https = nodePorts.nodePortFor(namespace, "mygateway", 443);

        assertThat(https).isEqualTo(31000);
        Service own = api.client().services().inNamespace(namespace).withName("mygateway-node-ports").get();
        assertThat(own.getSpec().getType()).isEqualTo("NodePort");
        assertThat(own.getSpec().getSelector()).containsEntry("gateway.networking.k8s.io/gateway-name", "mygateway");
        assertThat(own.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "secure-ingress");
        ServicePort port = own.getSpec().getPorts().get(0);
        assertThat(port.getPort()).isEqualTo(443);
        assertThat(port.getTargetPort()).isEqualTo(new IntOrString(8443));
        assertThat(port.getNodePort()).isEqualTo(31000);

        assertThat(nodePorts.nodePortFor(namespace, "mygateway", 443)).as("same listener, same node port").isEqualTo(31000);
        assertThat(nodePorts.nodePortFor(namespace, "mygateway", 80)).isEqualTo(31001);
        assertThat(api.client().services().inNamespace(namespace).withName("mygateway-node-ports").get().getSpec().getPorts())
                .extracting(ServicePort::getPort).containsExactly(443, 80);
        Service istio = api.client().services().inNamespace(namespace).withName("mygateway-istio").get();
        assertThat(istio.getSpec().getType()).as("Istio's own Service is left alone").isEqualTo("ClusterIP");
    }

    @Test
    void theNodePortServiceBelongsToTheGatewayAndIsReplacedWhenTheGatewayIsNew() {
        String namespace = namespace();
        api.client().resource(istioService(namespace, "owned", "uid-1", 443)).create();
        GatewayNodePorts nodePorts = new GatewayNodePorts(api.client(), GatewayNodePorts.range(31300, 2), Duration.ofSeconds(5));

        assertThat(nodePorts.nodePortFor(namespace, "owned", 443)).isEqualTo(31300);
        Service own = api.client().services().inNamespace(namespace).withName("owned-node-ports").get();
        assertThat(own.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("Gateway");
            assertThat(owner.getName()).isEqualTo("owned");
            assertThat(owner.getUid()).isEqualTo("uid-1");
        });

        // the Gateway was deleted and created again; a cluster without garbage collection kept the old Service
        api.client().services().inNamespace(namespace).withName("owned-istio").delete();
        api.client().resource(istioService(namespace, "owned", "uid-2", 443, 80)).create();
        assertThat(nodePorts.nodePortFor(namespace, "owned", 80)).as("the old Service's node port is free again").isEqualTo(31300);
        Service replaced = api.client().services().inNamespace(namespace).withName("owned-node-ports").get();
        assertThat(replaced.getMetadata().getOwnerReferences()).extracting(o -> o.getUid()).containsExactly("uid-2");
        assertThat(replaced.getSpec().getPorts()).extracting(ServicePort::getPort).containsExactly(80);
    }

    @Test
    void skipsNodePortsTakenByOtherServicesAndSaysWhenThePoolIsUsedUp() {
        String namespace = namespace();
        istioService(namespace, "first", 443);
        istioService(namespace, "second", 443);
        GatewayNodePorts nodePorts = new GatewayNodePorts(api.client(), GatewayNodePorts.range(31100, 1), Duration.ofSeconds(5));
        assertThat(nodePorts.nodePortFor(namespace, "first", 443)).isEqualTo(31100);

        assertThatThrownBy(() -> nodePorts.nodePortFor(namespace, "second", 443))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No free node port for Gateway " + namespace + "/second port 443")
                .hasMessageContaining("[31100] are in use")
                .hasMessageContaining("withNodePorts(first, count)");
    }

    @Test
    void namesTheMissingListenerPortAndTheMissingIstioService() {
        String namespace = namespace();
        istioService(namespace, "web", 443);
        GatewayNodePorts nodePorts = new GatewayNodePorts(api.client(), GatewayNodePorts.range(31200, 2), Duration.ofSeconds(1));

        assertThatThrownBy(() -> nodePorts.nodePortFor(namespace, "web", 8443))
                .hasMessageContaining("Service " + namespace + "/web-istio has no port 8443 (ports: [443])");
        assertThatThrownBy(() -> nodePorts.nodePortFor(namespace, "absent", 443))
                .isInstanceOf(WaitTimeoutException.class)
                .hasMessageContaining("Service " + namespace + "/absent-istio (created by Istio for Gateway absent)")
                .hasMessageContaining("not found");
    }

    @Test
    void rangeStaysInsideTheNodePortRange() {
        assertThat(GatewayNodePorts.range(30080, 3)).containsExactly(30080, 30081, 30082);
        assertThatThrownBy(() -> GatewayNodePorts.range(32767, 2)).hasMessageContaining("NodePort range 30000-32767");
        assertThatThrownBy(() -> GatewayNodePorts.range(8080, 1)).hasMessageContaining("8080..8080");
    }

    private static String namespace() {
        String name = "np-" + UUID.randomUUID().toString().substring(0, 8);
        api.client().namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata().withName(name).endMetadata().build()).create();
        return name;
    }

    /** The Service Istio creates for a Gateway: listener ports, target ports 8000 above them. */
    private static void istioService(String namespace, String gateway, int... listenerPorts) {
        api.client().resource(istioService(namespace, gateway, null, listenerPorts)).create();
    }

    /** ... owned by Gateway {@code gateway} with uid {@code gatewayUid} (unless null), as Istio does. */
    private static Service istioService(String namespace, String gateway, String gatewayUid, int... listenerPorts) {
        List<ServicePort> ports = java.util.Arrays.stream(listenerPorts)
                .mapToObj(p -> new io.fabric8.kubernetes.api.model.ServicePortBuilder().withName("p" + p).withPort(p)
                        .withTargetPort(new IntOrString(p + 8000)).build())
                .toList();
        ServiceBuilder service = new ServiceBuilder().withNewMetadata().withName(gateway + "-istio").withNamespace(namespace)
                .endMetadata()
                .withNewSpec().withType("ClusterIP").addToSelector("gateway.networking.k8s.io/gateway-name", gateway)
                .withPorts(ports).endSpec();
        if (gatewayUid != null) {
            service.editMetadata().addNewOwnerReference().withApiVersion("gateway.networking.k8s.io/v1").withKind("Gateway")
                    .withName(gateway).withUid(gatewayUid).withController(true).endOwnerReference().endMetadata();
        }
        return service.build();
    }
}

package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.Map;

/**
 * The Service {@code default/kubernetes} through which a cluster's pods reach its API server, with its Endpoints and
 * EndpointSlice, as a real API server keeps them: type ClusterIP on the first address of the service range
 * ({@value ClusterIps#KUBERNETES_SERVICE_IP}), port {@code https} 443 to the API server's own port, no selector (the
 * API server names its own address; the endpoints controllers leave selector-less Services alone), labels
 * {@code component=apiserver} and {@code provider=kubernetes}.
 */
final class KubernetesService {

    static final String NAME = "kubernetes";
    static final String NAMESPACE = "default";
    private static final String PORT_NAME = "https";
    private static final int SERVICE_PORT = 443;

    private KubernetesService() {
    }

    /** Stores the Service, its Endpoints and its EndpointSlice for an API server listening on {@code address:port}. */
    static void seed(ApiRequestDispatcher dispatcher, String address, int port) {
        dispatcher.create("/api/v1/namespaces/" + NAMESPACE + "/services", service(port));
        dispatcher.create("/api/v1/namespaces/" + NAMESPACE + "/endpoints", endpoints(address, port));
        dispatcher.create("/apis/discovery.k8s.io/v1/namespaces/" + NAMESPACE + "/endpointslices",
                endpointSlice(address, port));
    }

    /**
     * Points the Service, its Endpoints and its EndpointSlice at {@code address:port}: for an API server whose listener
     * had to move to another port.
     */
    static void moveTo(KubernetesClient client, String address, int port) {
        client.services().inNamespace(NAMESPACE).withName(NAME)
                .edit(current -> new ServiceBuilder(current).editSpec().withPorts(service(port).getSpec().getPorts())
                        .endSpec().build());
        client.endpoints().inNamespace(NAMESPACE).withName(NAME)
                .edit(current -> new EndpointsBuilder(current).withSubsets(endpoints(address, port).getSubsets()).build());
        EndpointSlice moved = endpointSlice(address, port);
        client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).withName(NAME)
                .edit(current -> new EndpointSliceBuilder(current).withEndpoints(moved.getEndpoints())
                        .withPorts(moved.getPorts()).build());
    }

    static Service service(int port) {
        return new ServiceBuilder()
                .withNewMetadata().withName(NAME).withNamespace(NAMESPACE)
                .withLabels(Map.of("component", "apiserver", "provider", "kubernetes")).endMetadata()
                .withNewSpec().withType("ClusterIP")
                .withClusterIP(ClusterIps.KUBERNETES_SERVICE_IP)
                .addNewPort().withName(PORT_NAME).withProtocol("TCP").withPort(SERVICE_PORT)
                .withTargetPort(new IntOrString(port)).endPort()
                .endSpec()
                .build();
    }

    static Endpoints endpoints(String address, int port) {
        return new EndpointsBuilder()
                .withNewMetadata().withName(NAME).withNamespace(NAMESPACE)
                // the API server keeps the EndpointSlice itself: the mirroring controller is not to copy these
                .withLabels(Map.of("endpointslice.kubernetes.io/skip-mirror", "true")).endMetadata()
                .addNewSubset()
                .addNewAddress().withIp(address).endAddress()
                .addNewPort().withName(PORT_NAME).withPort(port).withProtocol("TCP").endPort()
                .endSubset()
                .build();
    }

    static EndpointSlice endpointSlice(String address, int port) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withName(NAME).withNamespace(NAMESPACE)
                .withLabels(Map.of("kubernetes.io/service-name", NAME)).endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint().withAddresses(address).withNewConditions().withReady(true).endConditions().endEndpoint()
                .addNewPort().withName(PORT_NAME).withPort(port).withProtocol("TCP").endPort()
                .build();
    }
}

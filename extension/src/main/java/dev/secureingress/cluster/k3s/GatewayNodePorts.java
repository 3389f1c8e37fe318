package dev.secureingress.cluster.k3s;

import dev.secureingress.ingress.IngressApplier;
import dev.secureingress.cluster.BoundedWait;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Makes gateway listener ports reachable on fixed NodePorts, from a pool the k3s container publishes to
 * the host before it starts.
 *
 * <p>For Gateway {@code ns/gw} it keeps one Service {@code gw-node-ports} of type NodePort next to the
 * {@code gw-istio} Service Istio creates, with the same pod selector and one port per listener port
 * (same {@code port} and {@code targetPort} as Istio's Service, {@code nodePort} from the pool). An own
 * Service rather than a patched {@code gw-istio}: Istio reconciles its Service and would undo the change.
 * It has the owner of Istio's Service (the Gateway), so it goes when the Gateway goes.
 */
public final class GatewayNodePorts {

    /** Suffix of the NodePort Service kept next to each gateway. */
    public static final String SERVICE_SUFFIX = "-node-ports";

    private final KubernetesClient client;
    private final List<Integer> pool;
    private final Duration timeout;

    /**
     * @param pool    the node ports published from the node, in the order they are handed out
     * @param timeout how long to wait for Istio's {@code <gateway>-istio} Service to appear
     */
    public GatewayNodePorts(KubernetesClient client, List<Integer> pool, Duration timeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.pool = List.copyOf(pool);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * The node port that forwards to {@code listenerPort} of the gateway's pods, allocating one from the
     * pool the first time.
     *
     * @throws IllegalStateException when the pool is used up, naming the ports in use and how to get more
     */
    public synchronized int nodePortFor(String namespace, String gatewayName, int listenerPort) {
        Service istioService = awaitIstioService(namespace, gatewayName);
        ServicePort istioPort = istioService.getSpec().getPorts().stream()
                .filter(p -> p.getPort() != null && p.getPort() == listenerPort)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("Service " + namespace + "/" + gatewayName
                        + "-istio has no port " + listenerPort + " (ports: " + portsOf(istioService)
                        + "); does Gateway " + gatewayName + " have a listener on port " + listenerPort + "?"));

        String name = serviceName(gatewayName);
        Service own = client.services().inNamespace(namespace).withName(name).get();
        if (own != null && !sameOwners(own, istioService)) {
            // left from an earlier Gateway of that name (garbage collection not done yet): start afresh
            client.services().inNamespace(namespace).withName(name).delete();
            BoundedWait.<Boolean>forState("Service " + namespace + "/" + name + " of an earlier Gateway " + gatewayName
                            + " to be deleted")
                    .atMost(timeout)
                    .pollEvery(Duration.ofMillis(100))
                    .describedBy(present -> present ? "still present" : "gone")
                    .until(() -> client.services().inNamespace(namespace).withName(name).get() != null, present -> !present);
            own = null;
        }
        if (own != null) {
            for (ServicePort port : own.getSpec().getPorts()) {
                if (Objects.equals(port.getPort(), listenerPort) && port.getNodePort() != null) {
                    return port.getNodePort();
                }
            }
        }
        int nodePort = nextFreeNodePort(namespace, gatewayName, listenerPort);
        ServicePort added = new ServicePortBuilder()
                .withName("port-" + listenerPort)
                .withProtocol("TCP")
                .withPort(listenerPort)
                .withTargetPort(istioPort.getTargetPort() == null ? new IntOrString(listenerPort) : istioPort.getTargetPort())
                .withNodePort(nodePort)
                .build();
        if (own == null) {
            client.services().inNamespace(namespace).resource(new ServiceBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .addToLabels(IngressApplier.MANAGED_BY_LABEL, IngressApplier.MANAGED_BY_VALUE)
                    .addToLabels("gateway.networking.k8s.io/gateway-name", gatewayName)
                    .withOwnerReferences(ownersOf(istioService))
                    .endMetadata()
                    .withNewSpec()
                    .withType("NodePort")
                    .withSelector(istioService.getSpec().getSelector())
                    .withPorts(added)
                    .endSpec()
                    .build()).create();
        } else {
            client.services().inNamespace(namespace).withName(name)
                    .edit(service -> new ServiceBuilder(service).editSpec().addToPorts(added).endSpec().build());
        }
        return nodePort;
    }

    /**
     * Istio's Service is owned by its Gateway; the NodePort Service gets the same owner, so that the
     * cluster deletes it with the Gateway and its node port returns to the pool.
     */
    private static List<OwnerReference> ownersOf(Service istioService) {
        List<OwnerReference> owners = istioService.getMetadata().getOwnerReferences();
        return owners == null ? List.of() : owners.stream()
                .map(owner -> new OwnerReferenceBuilder(owner).withController(false).withBlockOwnerDeletion(false).build())
                .toList();
    }

    private static boolean sameOwners(Service own, Service istioService) {
        return uids(own).equals(uids(istioService));
    }

    private static Set<String> uids(Service service) {
        List<OwnerReference> owners = service.getMetadata().getOwnerReferences();
        Set<String> uids = new HashSet<>();
        if (owners != null) {
            owners.forEach(owner -> uids.add(owner.getUid()));
        }
        return uids;
    }

    /** Name of the NodePort Service kept for a gateway. */
    public static String serviceName(String gatewayName) {
        return gatewayName + SERVICE_SUFFIX;
    }

    private Service awaitIstioService(String namespace, String gatewayName) {
        String name = gatewayName + "-istio";
        return BoundedWait.<Service>forState("Service " + namespace + "/" + name
                        + " (created by Istio for Gateway " + gatewayName + ")")
                .atMost(timeout)
                .pollEvery(Duration.ofMillis(250))
                .until(() -> client.services().inNamespace(namespace).withName(name).get(),
                        service -> service.getSpec() != null && service.getSpec().getPorts() != null);
    }

    private int nextFreeNodePort(String namespace, String gatewayName, int listenerPort) {
        Set<Integer> inUse = new HashSet<>();
        for (Service service : client.services().inAnyNamespace().list().getItems()) {
            if (service.getSpec() != null && service.getSpec().getPorts() != null) {
                for (ServicePort port : service.getSpec().getPorts()) {
                    if (port.getNodePort() != null) {
                        inUse.add(port.getNodePort());
                    }
                }
            }
        }
        return pool.stream()
                .filter(port -> !inUse.contains(port))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No free node port for Gateway " + namespace + "/"
                        + gatewayName + " port " + listenerPort + ": all " + pool.size() + " published node ports "
                        + pool + " are in use. Publish more with K3sCluster.builder().withNodePorts(first, count) "
                        + "or delete gateways the tests no longer need"));
    }

    private static String portsOf(Service service) {
        return service.getSpec().getPorts().stream().map(p -> String.valueOf(p.getPort())).toList().toString();
    }

    /** Pool helper: {@code count} consecutive node ports from {@code first}, checked against 30000-32767. */
    public static List<Integer> range(int first, int count) {
        if (count < 1 || first < 30000 || first + count - 1 > 32767) {
            throw new IllegalArgumentException("node ports " + first + ".." + (first + count - 1)
                    + " are outside Kubernetes' NodePort range 30000-32767");
        }
        return java.util.stream.IntStream.range(first, first + count).boxed().toList();
    }
}

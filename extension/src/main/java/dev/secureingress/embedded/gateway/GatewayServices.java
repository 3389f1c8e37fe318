package dev.secureingress.embedded.gateway;

import dev.secureingress.embedded.dataplane.ProgrammedGateway;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The {@code <gateway>-istio} Service Istio creates for every Gateway, here the public record of where the
 * embedded data plane serves it: labelled {@code gateway.networking.k8s.io/gateway-name=<gateway>}, type
 * LoadBalancer, one port per listener port with {@code nodePort} = the port actually bound, and
 * {@code status.loadBalancer.ingress[0].ip} = the Gateway's address. Owned by the Gateway.
 */
final class GatewayServices {

    static final String GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
    static final String SUFFIX = "-istio";

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServices.class);

    private final KubernetesClient client;
    private final ClusterView cluster;

    GatewayServices(KubernetesClient client, ClusterView cluster) {
        this.client = client;
        this.cluster = cluster;
    }

    static String serviceName(String gatewayName) {
        return gatewayName + SUFFIX;
    }

    /** Creates or updates the Gateway's Service when it differs from what is wanted. */
    void apply(Gateway gateway, Map<Integer, String> portNames, ProgrammedGateway programmed) {
        String namespace = gateway.getMetadata().getNamespace();
        String name = serviceName(gateway.getMetadata().getName());
        Service desired = desired(gateway, portNames, programmed);
        Service current = cluster.service(namespace, name);
        try {
            if (current == null) {
                Service created = client.resource(desired).create();
                writeStatus(created, desired.getStatus());
            } else {
                if (!sameSpec(current, desired)) {
                    Service update = new ServiceBuilder(current)
                            .editMetadata().withLabels(desired.getMetadata().getLabels())
                            .withOwnerReferences(desired.getMetadata().getOwnerReferences()).endMetadata()
                            .withSpec(desired.getSpec())
                            .build();
                    current = client.resource(update).update();
                }
                if (!Objects.equals(current.getStatus(), desired.getStatus())) {
                    writeStatus(current, desired.getStatus());
                }
            }
        } catch (KubernetesClientException e) {
            LOG.warn("Could not write Service {}/{}: {}", namespace, name, e.getMessage());
        }
    }

    void delete(String namespace, String gatewayName) {
        try {
            client.services().inNamespace(namespace).withName(serviceName(gatewayName)).delete();
        } catch (KubernetesClientException e) {
            LOG.warn("Could not delete Service {}/{}: {}", namespace, serviceName(gatewayName), e.getMessage());
        }
    }

    private void writeStatus(Service service, ServiceStatus status) {
        StatusWriter.writeOverLatest(client, service, Service::getStatus, status,
                (latest, withStatus) -> new ServiceBuilder(latest).withStatus(withStatus).build());
    }

    private static boolean sameSpec(Service current, Service desired) {
        var spec = current.getSpec();
        return spec != null && Objects.equals(spec.getType(), desired.getSpec().getType())
                && Objects.equals(spec.getPorts(), desired.getSpec().getPorts())
                && current.getMetadata().getLabels() != null
                && Objects.equals(current.getMetadata().getLabels().get(GATEWAY_NAME_LABEL),
                desired.getMetadata().getLabels().get(GATEWAY_NAME_LABEL))
                && Objects.equals(current.getMetadata().getOwnerReferences(), desired.getMetadata().getOwnerReferences());
    }

    /** Marks an object Istio makes for {@code gateway} as the Gateway's: deleted with it, shown as its own. */
    static OwnerReference ownerReference(Gateway gateway) {
        return new OwnerReferenceBuilder()
                .withApiVersion(gateway.getApiVersion() == null ? "gateway.networking.k8s.io/v1" : gateway.getApiVersion())
                .withKind("Gateway")
                .withName(gateway.getMetadata().getName())
                .withUid(gateway.getMetadata().getUid())
                .withController(true)
                .build();
    }

    private static Service desired(Gateway gateway, Map<Integer, String> portNames, ProgrammedGateway programmed) {
        List<ServicePort> ports = new ArrayList<>();
        for (var entry : new TreeMap<>(portNames).entrySet()) {
            Integer bound = programmed.boundPorts().get(entry.getKey());
            if (bound == null) {
                continue;
            }
            ports.add(new ServicePortBuilder()
                    .withName(entry.getValue())
                    .withProtocol("TCP")
                    .withPort(entry.getKey())
                    .withNewTargetPort(entry.getKey())
                    .withNodePort(bound)
                    .build());
        }
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(serviceName(gateway.getMetadata().getName()))
                .withNamespace(gateway.getMetadata().getNamespace())
                .addToLabels(GATEWAY_NAME_LABEL, gateway.getMetadata().getName())
                .withOwnerReferences(ownerReference(gateway))
                .endMetadata()
                .withNewSpec()
                .withType("LoadBalancer")
                .withPorts(ports)
                .endSpec()
                .withStatus(new ServiceStatusBuilder().withNewLoadBalancer()
                        .withIngress(new LoadBalancerIngressBuilder()
                                .withIp(programmed.address().getHostAddress()).build())
                        .endLoadBalancer().build())
                .build();
    }
}

package dev.secureingress.embedded.gateway;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The {@code <gateway>-istio} Deployment and ServiceAccount Istio creates for every Gateway, owned by the Gateway:
 * one replica of Istio's proxy image, labelled {@code gateway.networking.k8s.io/gateway-name=<gateway>}, whose pod
 * the workload controller runs as {@code IstioProxyStandIn} (it answers the readiness probe; the embedded data plane
 * serves the traffic). {@code kubectl get deploy,pods -n <namespace>} and waits for the Deployment to be Available
 * see what they see on Istio.
 *
 * <p>They are created once, when the controller first reconciles the Gateway (also when its listeners cannot be
 * programmed, as Istio deploys them), and deleted with the Gateway. Unlike Istio, which
 * keeps applying them, a Deployment deleted by hand is not made again while its Gateway lives.
 */
final class GatewayDeployments {

    /** Istio's proxy of the release whose Gateway API CRDs (v1.4) the embedded cluster holds. */
    static final String PROXY_IMAGE = "docker.io/istio/proxyv2:1.28.0";
    static final String CONTAINER_NAME = "istio-proxy";

    private static final Logger LOG = LoggerFactory.getLogger(GatewayDeployments.class);

    private final KubernetesClient client;
    /** Gateways ({@code namespace/name}) whose Deployment exists. */
    private final Set<String> created = new HashSet<>();

    GatewayDeployments(KubernetesClient client) {
        this.client = client;
    }

    /** Creates the Gateway's ServiceAccount and Deployment unless this controller already has. */
    void ensure(Gateway gateway) {
        String key = ClusterView.key(gateway);
        if (created.contains(key)) {
            return;
        }
        String namespace = gateway.getMetadata().getNamespace();
        String name = GatewayServices.serviceName(gateway.getMetadata().getName());
        Map<String, String> labels = Map.of(GatewayServices.GATEWAY_NAME_LABEL, gateway.getMetadata().getName());
        ServiceAccount account = new ServiceAccountBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels)
                .withOwnerReferences(GatewayServices.ownerReference(gateway)).endMetadata()
                .build();
        Deployment deployment = new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels)
                .withOwnerReferences(GatewayServices.ownerReference(gateway)).endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector().withMatchLabels(labels).endSelector()
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                .withServiceAccountName(name)
                .addNewContainer()
                .withName(CONTAINER_NAME)
                .withImage(PROXY_IMAGE)
                .addNewPort().withName("status-port").withContainerPort(15021).withProtocol("TCP").endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/healthz/ready").withNewPort(15021).endHttpGet()
                .endReadinessProbe()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
        if (createUnlessPresent(account) && createUnlessPresent(deployment)) {
            created.add(key);
        }
    }

    /** Deletes the Deployment and ServiceAccount of every Gateway not in {@code gateways} ({@code namespace/name}). */
    void retainOnly(Set<String> gateways) {
        for (String key : new ArrayList<>(created)) {
            if (!gateways.contains(key)) {
                created.remove(key);
                String[] parts = key.split("/", 2);
                delete(parts[0], GatewayServices.serviceName(parts[1]));
            }
        }
    }

    private void delete(String namespace, String name) {
        try {
            client.apps().deployments().inNamespace(namespace).withName(name).delete();
            client.serviceAccounts().inNamespace(namespace).withName(name).delete();
        } catch (KubernetesClientException e) {
            LOG.warn("Could not delete Deployment and ServiceAccount {}/{}: {}", namespace, name, e.getMessage());
        }
    }

    /** True once the object exists, made now or before; false (logged, tried again next pass) on other errors. */
    private boolean createUnlessPresent(HasMetadata object) {
        try {
            client.resource(object).create();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return true;
            }
            LOG.warn("Could not create {} {}/{}: {}", object.getKind(), object.getMetadata().getNamespace(),
                    object.getMetadata().getName(), e.getMessage());
            return false;
        }
    }
}

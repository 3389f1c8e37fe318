package dev.secureingress.embedded.gateway;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
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
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code <gateway>-istio} Deployment and ServiceAccount Istio makes for every Gateway, owned by the Gateway:
 * one replica of Istio's proxy image, labelled {@code gateway.networking.k8s.io/gateway-name=<gateway>}, whose pod
 * the workload controller runs as {@code IstioProxyStandIn} (it answers the readiness probe; the embedded data plane
 * serves the traffic). {@code kubectl get deploy,pods -n <namespace>} and waits for the Deployment to be Available
 * see what they see on Istio.
 *
 * <p>As Istio does, the controller keeps them: a Deployment deleted while its Gateway lives is made again (also when
 * the Gateway's listeners cannot be programmed), and both are deleted with the Gateway. A Deployment edited by hand
 * is left as it is.
 */
final class GatewayDeployments {

    /** Istio's proxy of the release whose Gateway API CRDs (v1.4) the embedded cluster holds. */
    static final String PROXY_IMAGE = "docker.io/istio/proxyv2:1.28.0";
    static final String CONTAINER_NAME = "istio-proxy";

    private static final Logger LOG = LoggerFactory.getLogger(GatewayDeployments.class);

    private final KubernetesClient client;
    private final ClusterView cluster;
    /**
     * Deployments ({@code namespace/name}) created for the Gateway of this uid and not yet in the view: not created
     * again on the passes before the informer hears of them.
     */
    private final Map<String, String> awaited = new HashMap<>();

    GatewayDeployments(KubernetesClient client, ClusterView cluster) {
        this.client = client;
        this.cluster = cluster;
    }

    /** Creates the Gateway's ServiceAccount and Deployment when its Deployment does not exist. */
    void ensure(Gateway gateway) {
        String namespace = gateway.getMetadata().getNamespace();
        String name = GatewayServices.serviceName(gateway.getMetadata().getName());
        String key = namespace + "/" + name;
        if (cluster.deployment(namespace, name) != null) {
            awaited.remove(key);
            return;
        }
        if (gateway.getMetadata().getUid().equals(awaited.get(key))) {
            return;
        }
        Map<String, String> labels = Map.of(GatewayServices.GATEWAY_NAME_LABEL, gateway.getMetadata().getName());
        OwnerReference owner = GatewayServices.ownerReference(gateway);
        ServiceAccount account = new ServiceAccountBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels)
                .withOwnerReferences(owner).endMetadata()
                .build();
        Deployment deployment = new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels)
                .withOwnerReferences(owner).endMetadata()
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
            awaited.put(key, gateway.getMetadata().getUid());
        }
    }

    /**
     * Deletes the Deployment and ServiceAccount of every Gateway not in {@code gateways} ({@code namespace/name}):
     * the Deployments whose controlling owner is a Gateway.
     */
    void retainOnly(Set<String> gateways) {
        for (Deployment deployment : cluster.deployments()) {
            String namespace = deployment.getMetadata().getNamespace();
            String owner = deployment.getMetadata().getOwnerReferences() == null ? null
                    : deployment.getMetadata().getOwnerReferences().stream()
                    .filter(reference -> "Gateway".equals(reference.getKind())
                            && Boolean.TRUE.equals(reference.getController()))
                    .map(OwnerReference::getName).findFirst().orElse(null);
            if (owner != null && !gateways.contains(namespace + "/" + owner)) {
                delete(namespace, deployment.getMetadata().getName());
            }
        }
        awaited.keySet().removeIf(key -> !gateways.contains(gatewayKey(key)));
    }

    /** {@code ns/gw} for the Deployment key {@code ns/gw-istio}. */
    private static String gatewayKey(String deploymentKey) {
        return deploymentKey.substring(0, deploymentKey.length() - GatewayServices.SUFFIX.length());
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
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                // the namespace is being deleted, and the Gateway with it
                LOG.debug("Not creating {} {}/{}: {}", object.getKind(), object.getMetadata().getNamespace(),
                        object.getMetadata().getName(), e.getMessage());
                return false;
            }
            LOG.warn("Could not create {} {}/{}: {}", object.getKind(), object.getMetadata().getNamespace(),
                    object.getMetadata().getName(), e.getMessage());
            return false;
        }
    }
}

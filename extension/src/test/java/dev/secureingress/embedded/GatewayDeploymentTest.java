package dev.secureingress.embedded;

import dev.secureingress.cluster.BoundedWait;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Istio makes a Deployment and a ServiceAccount {@code <gateway>-istio} for every Gateway; so does the embedded cluster. */
class GatewayDeploymentTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

    @RegisterExtension
    static final EmbeddedClusterForClass cluster = new EmbeddedClusterForClass();

    @Test
    void aGatewayGetsAnAvailableProxyDeploymentWhosePodAnswersTheReadinessProbe() throws Exception {
        KubernetesClient client = cluster.client();
        String namespace = newNamespace();
        client.resource(gateway(namespace, "edge", "HTTP", 80)).create();

        Deployment deployment = awaitAvailable(namespace, "edge-istio");
        assertThat(deployment.getMetadata().getLabels()).containsEntry(GATEWAY_NAME_LABEL, "edge");
        assertThat(deployment.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(owner -> assertThat(owner.getKind() + "/" + owner.getName()).isEqualTo("Gateway/edge"));
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers()).singleElement()
                .satisfies(container -> assertThat(container.getImage()).startsWith("docker.io/istio/proxyv2:"));
        assertThat(client.serviceAccounts().inNamespace(namespace).withName("edge-istio").get()).isNotNull();

        List<Pod> pods = client.pods().inNamespace(namespace).withLabel(GATEWAY_NAME_LABEL, "edge").list().getItems();
        assertThat(pods).singleElement().satisfies(pod -> assertThat(pod.getStatus().getPhase()).isEqualTo("Running"));
        URI ready = URI.create("http://" + pods.get(0).getStatus().getPodIP() + ":15021/healthz/ready");
        HttpURLConnection probe = (HttpURLConnection) ready.toURL().openConnection();
        probe.setConnectTimeout(10_000);
        probe.setReadTimeout(10_000);
        assertThat(probe.getResponseCode()).as(ready.toString()).isEqualTo(200);
        probe.disconnect();
    }

    @Test
    void aGatewayWhoseListenerCannotBeProgrammedIsDeployedAllTheSame() {
        String namespace = newNamespace();
        cluster.client().resource(new GatewayBuilder(gateway(namespace, "no-secret", "HTTPS", 443))
                .editSpec().editFirstListener().withNewTls().withMode("Terminate")
                .addNewCertificateRef().withName("absent").endCertificateRef().endTls().endListener().endSpec()
                .build()).create();

        assertThat(awaitAvailable(namespace, "no-secret-istio").getStatus().getReadyReplicas()).isEqualTo(1);
    }

    @Test
    void aDeploymentDeletedWhileItsGatewayLivesIsMadeAgain() {
        KubernetesClient client = cluster.client();
        String namespace = newNamespace();
        client.resource(gateway(namespace, "kept", "HTTP", 80)).create();
        String first = awaitAvailable(namespace, "kept-istio").getMetadata().getUid();

        client.apps().deployments().inNamespace(namespace).withName("kept-istio").delete();

        BoundedWait.<Deployment>forState("Deployment " + namespace + "/kept-istio made again")
                .atMost(WAIT)
                .until(() -> client.apps().deployments().inNamespace(namespace).withName("kept-istio").get(),
                        d -> d != null && !d.getMetadata().getUid().equals(first));
        assertThat(awaitAvailable(namespace, "kept-istio").getStatus().getReadyReplicas()).isEqualTo(1);
    }

    @Test
    void deletingTheGatewayDeletesItsDeploymentServiceAccountAndPods() {
        KubernetesClient client = cluster.client();
        String namespace = newNamespace();
        client.resource(gateway(namespace, "short-lived", "HTTP", 80)).create();
        awaitAvailable(namespace, "short-lived-istio");

        client.resources(Gateway.class).inNamespace(namespace).withName("short-lived").delete();

        BoundedWait.<List<String>>forState("no Deployment, ServiceAccount or pod of Gateway " + namespace + "/short-lived")
                .atMost(WAIT)
                .until(() -> left(client, namespace), List::isEmpty);
    }

    private static List<String> left(KubernetesClient client, String namespace) {
        List<String> left = new ArrayList<>();
        if (client.apps().deployments().inNamespace(namespace).withName("short-lived-istio").get() != null) {
            left.add("Deployment");
        }
        if (client.serviceAccounts().inNamespace(namespace).withName("short-lived-istio").get() != null) {
            left.add("ServiceAccount");
        }
        client.pods().inNamespace(namespace).withLabel(GATEWAY_NAME_LABEL, "short-lived").list().getItems()
                .forEach(pod -> left.add("Pod " + pod.getMetadata().getName()));
        return left;
    }

    private static Deployment awaitAvailable(String namespace, String name) {
        return BoundedWait.<Deployment>forState("Deployment " + namespace + "/" + name + " Available")
                .atMost(WAIT)
                .describedBy(d -> d == null ? "absent" : String.valueOf(d.getStatus()))
                .until(() -> cluster.client().apps().deployments().inNamespace(namespace).withName(name).get(),
                        d -> d != null && d.getStatus() != null && d.getStatus().getConditions() != null
                                && d.getStatus().getConditions().stream().anyMatch(c -> "Available".equals(c.getType())
                                && "True".equals(c.getStatus())));
    }

    private static String newNamespace() {
        String namespace = "gateway-deployment-" + UUID.randomUUID().toString().substring(0, 8);
        cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();
        return namespace;
    }

    private static Gateway gateway(String namespace, String name, String protocol, int port) {
        return new GatewayBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().withGatewayClassName("istio")
                .addNewListener().withName("listener").withPort(port).withProtocol(protocol).endListener()
                .endSpec()
                .build();
    }
}

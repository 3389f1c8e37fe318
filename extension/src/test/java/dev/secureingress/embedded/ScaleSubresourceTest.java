package dev.secureingress.embedded;

import dev.secureingress.cluster.BoundedWait;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The {@code scale} subresource of Deployments, written by kubectl ({@code kubectl scale}, skipped where kubectl
 * is not installed) and by fabric8; the workload controller then runs the new number of pods.
 */
class ScaleSubresourceTest {

    @RegisterExtension
    static final EmbeddedClusterForClass cluster = new EmbeddedClusterForClass();
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        client = cluster.client();
    }

    @Test
    void kubectlScaleChangesTheReplicasAndSaysSo(@TempDir Path work) {
        Kubectl.assumeInstalled();
        Kubectl kubectl = new Kubectl(cluster.apiServer().writeKubeconfig(work.resolve("kubeconfig")), work);
        create("scaled-by-kubectl");

        CommandRun.Result scaled = kubectl.run("scale", "deployment", "scaled-by-kubectl", "--replicas=3");

        assertThat(scaled.exitCode()).as(scaled.all()).isZero();
        assertThat(scaled.out()).contains("deployment.apps/scaled-by-kubectl scaled");
        assertThat(readyReplicas("scaled-by-kubectl", 3)).isEqualTo(3);
        assertThat(kubectl.run("get", "deployment", "scaled-by-kubectl", "-o", "jsonpath={.spec.replicas}").out())
                .isEqualTo("3");
    }

    @Test
    void theScaleOfADeploymentIsAnAutoscalingScaleWithItsSelector() {
        create("scaled-by-fabric8");

        client.apps().deployments().inNamespace("default").withName("scaled-by-fabric8").scale(2);
        Scale scale = client.apps().deployments().inNamespace("default").withName("scaled-by-fabric8").scale();

        assertThat(scale.getApiVersion()).isEqualTo("autoscaling/v1");
        assertThat(scale.getKind()).isEqualTo("Scale");
        assertThat(scale.getSpec().getReplicas()).isEqualTo(2);
        assertThat(scale.getStatus().getSelector()).isEqualTo("app=scaled-by-fabric8,tier=web");
        assertThat(readyReplicas("scaled-by-fabric8", 2)).isEqualTo(2);
    }

    @Test
    void aScaleWithAnOutdatedResourceVersionConflicts() {
        create("scaled-late");
        Scale before = client.apps().deployments().inNamespace("default").withName("scaled-late").scale();
        client.apps().deployments().inNamespace("default").withName("scaled-late").scale(2);

        before.getSpec().setReplicas(4);
        Throwable conflict = catchThrowable(() -> client.apps().deployments()
                .inNamespace("default").withName("scaled-late").scale(before));

        assertThat(conflict).hasMessageContaining("409").hasMessageContaining("the object has been modified");
        assertThat(client.apps().deployments().inNamespace("default").withName("scaled-late").get().getSpec()
                .getReplicas()).isEqualTo(2);
    }

    private static void create(String name) {
        client.resource(new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().addToMatchLabels("tier", "web").addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).addToLabels("tier", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("httpbin").withImage("mccutchen/go-httpbin")
                .addNewPort().withContainerPort(8080).endPort().endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        // the workload controller writes the new Deployment (revision, status) until its pod runs; a scale read
        // before one of those writes and written after it would conflict, as on a cluster
        readyReplicas(name, 1);
    }

    private static int readyReplicas(String name, int wanted) {
        Deployment ready = BoundedWait.<Deployment>forState("Deployment " + name + " with " + wanted + " ready replicas")
                .atMost(Duration.ofSeconds(60))
                .untilWatched(client.apps().deployments().inNamespace("default").withName(name),
                        d -> d.getStatus() != null && Integer.valueOf(wanted).equals(d.getStatus().getReadyReplicas())
                                && Integer.valueOf(wanted).equals(d.getStatus().getReplicas()));
        return ready.getStatus().getReadyReplicas();
    }
}

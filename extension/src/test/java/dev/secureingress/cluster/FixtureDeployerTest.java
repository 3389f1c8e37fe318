package dev.secureingress.cluster;

import dev.secureingress.embedded.api.EmbeddedApiServer;
import dev.secureingress.ingress.IngressApplier;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link FixtureDeployer#awaitAvailable}: what it returns, and what its timeout reports. */
class FixtureDeployerTest {

    @Test
    void awaitAvailableReturnsTheDeploymentOnceItsStatusSaysAvailable() throws Exception {
        try (EmbeddedApiServer api = EmbeddedApiServer.start()) {
            KubernetesClient client = api.client();
            String namespace = "fd-" + UUID.randomUUID().toString().substring(0, 8);
            new IngressApplier(client, namespace).createNamespace(namespace, FixtureDeployerTest.class.getSimpleName());
            Deployment created = client.resource(deployment(namespace)).create();
            CompletableFuture<Deployment> awaited = CompletableFuture.supplyAsync(() ->
                    new FixtureDeployer(client).timeout(Duration.ofSeconds(60)).awaitAvailable(namespace, "web"));

            Deployment notYet = client.apps().deployments().inNamespace(namespace).withName("web").get();
            notYet.setStatus(status("False", created.getMetadata().getGeneration()));
            client.resource(notYet).updateStatus();
            assertThat(awaited).isNotDone();
            Deployment available = client.apps().deployments().inNamespace(namespace).withName("web").get();
            available.setStatus(status("True", created.getMetadata().getGeneration()));
            client.resource(available).updateStatus();

            assertThat(awaited.get(60, TimeUnit.SECONDS).getStatus().getConditions())
                    .anySatisfy(c -> assertThat(c.getStatus()).isEqualTo("True"));
        }
    }

    @Test
    void aTimeoutReportsTheConditionsLastSeen() {
        try (EmbeddedApiServer api = EmbeddedApiServer.start()) {
            KubernetesClient client = api.client();
            String namespace = "fd-" + UUID.randomUUID().toString().substring(0, 8);
            new IngressApplier(client, namespace).createNamespace(namespace, FixtureDeployerTest.class.getSimpleName());
            Deployment created = client.resource(deployment(namespace)).create();
            created.setStatus(status("False", created.getMetadata().getGeneration()));
            client.resource(created).updateStatus();

            assertThatThrownBy(() -> new FixtureDeployer(client).timeout(Duration.ofSeconds(1))
                    .awaitAvailable(namespace, "web"))
                    .isInstanceOf(WaitTimeoutException.class)
                    .hasMessageContaining("Deployment " + namespace + "/web to be Available")
                    .hasMessageContaining("Available=False")
                    .hasMessageContaining("MinimumReplicasUnavailable");
        }
    }

    @Test
    void aDeploymentThatCannotBeWatchedIsReadInstead() {
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            // the server answers a read of the Deployment, but neither a list nor a watch
            Deployment unavailable = deployment("apps");
            unavailable.setStatus(status("False", 1L));
            unavailable.getMetadata().setGeneration(1L);
            server.expect().get().withPath("/apis/apps/v1/namespaces/apps/deployments/web")
                    .andReturn(200, unavailable).always();

            assertThatThrownBy(() -> new FixtureDeployer(client).timeout(Duration.ofSeconds(3)).awaitAvailable("apps", "web"))
                    .isInstanceOf(WaitTimeoutException.class)
                    .hasMessageContaining("Deployment apps/web to be Available")
                    .hasMessageContaining("Available=False")
                    .hasMessageContaining("MinimumReplicasUnavailable");
        } finally {
            server.destroy();
        }
    }

    private static Deployment deployment(String namespace) {
        return new DeploymentBuilder()
                .withNewMetadata().withName("web").withNamespace(namespace).endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate()
                .withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("example.com/web").endContainer().endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static DeploymentStatus status(String available, Long generation) {
        return new DeploymentStatusBuilder()
                .withObservedGeneration(generation)
                .withReplicas(1)
                .withReadyReplicas("True".equals(available) ? 1 : 0)
                .addNewCondition().withType("Available").withStatus(available)
                .withReason("True".equals(available) ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
                .endCondition()
                .build();
    }
}

package dev.secureingress.embedded.workload;

import dev.secureingress.embedded.api.EmbeddedApiServer;
import dev.secureingress.fixtures.StandIns;
import dev.secureingress.ingress.IngressApplier;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Deployment reconcile when its informers lag behind its own writes (caches that never catch up, a
 * {@link FrozenCache}): it must neither create a second ReplicaSet or extra pods nor write what has not changed.
 * No pods run here (no pod reconciles), so every pod stays without status.
 */
class DeploymentReconcilerTest {

    @AutoClose
    private static final EmbeddedApiServer api = EmbeddedApiServer.start();
    private static final KubernetesClient client = api.client();

    private String namespace;
    private PodRuntime runtime;
    private EventRecorder events;
    private FrozenCache<Deployment> deploymentCache;
    private DeploymentReconciler reconciler;

    @BeforeEach
    void staleCaches() {
        namespace = "dr-" + UUID.randomUUID().toString().substring(0, 8);
        new IngressApplier(client, namespace).createNamespace(namespace, DeploymentReconcilerTest.class.getSimpleName());
        runtime = new PodRuntime(StandIns.withDefaults(), PodAddressing.LOCALHOST);
        events = new EventRecorder(client);
        deploymentCache = new FrozenCache<>();
        reconciler = new DeploymentReconciler(
                new InformedObjects<>(client, Deployment.class).readFrom(deploymentCache),
                new InformedObjects<>(client, ReplicaSet.class).readFrom(new FrozenCache<>()),
                new InformedObjects<>(client, Pod.class).readFrom(new FrozenCache<>()),
                runtime, events);
    }

    @AfterEach
    void stopPods() {
        events.close();
        runtime.close();
    }

    @Test
    void reconcilesThatNeverSeeTheirOwnCreationsMakeOneReplicaSetAndTheWantedPods() {
        deploymentCache.put(client.resource(deployment("web", 2)).create());

        for (int i = 0; i < 3; i++) {
            reconciler.reconcile(namespace, "web");
        }

        assertThat(client.apps().replicaSets().inNamespace(namespace).list().getItems()).hasSize(1);
        assertThat(client.pods().inNamespace(namespace).list().getItems()).hasSize(2);
        events.close(); // writes the events recorded so far
        assertThat(client.v1().events().inNamespace(namespace).list().getItems()).extracting(Event::getReason)
                .as("each scaling and pod creation recorded once").containsExactlyInAnyOrder(
                        "ScalingReplicaSet", "SuccessfulCreate", "SuccessfulCreate");
    }

    @Test
    void aDeploymentMadeAgainBeforeItsDeletionWasSeenTakesOverFromTheReplicaSetsOfTheEarlierOne() {
        Deployment first = client.resource(deployment("web", 1)).create();
        deploymentCache.put(first);
        reconciler.reconcile(namespace, "web");
        client.resource(first).delete();
        Deployment second = client.resource(deployment("web", 1)).create();
        deploymentCache.put(second); // the cache never held the deletion

        reconciler.reconcile(namespace, "web");

        assertThat(client.apps().replicaSets().inNamespace(namespace).list().getItems())
                .as("the earlier Deployment's ReplicaSet is gone; one of the new Deployment's has its name")
                .singleElement()
                .satisfies(rs -> assertThat(rs.getMetadata().getOwnerReferences()).singleElement()
                        .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(second.getMetadata().getUid())));
        assertThat(client.pods().inNamespace(namespace).list().getItems()).singleElement()
                .satisfies(pod -> assertThat(pod.getMetadata().getOwnerReferences().get(0).getName())
                        .startsWith("web-"));
    }

    @Test
    void statusesAreWrittenOnceAndNotAgainWhileNothingChanges() {
        deploymentCache.put(client.resource(deployment("web", 1)).create());
        reconciler.reconcile(namespace, "web"); // creates the ReplicaSet and the pod; statuses when the pod is back
        assertThat(client.apps().deployments().inNamespace(namespace).withName("web").get().getStatus())
                .satisfiesAnyOf(s -> assertThat(s).isNull(), s -> assertThat(s.getReplicas()).isNull());

        reconciler.reconcile(namespace, "web");
        Deployment written = client.apps().deployments().inNamespace(namespace).withName("web").get();
        ReplicaSet replicaSet = client.apps().replicaSets().inNamespace(namespace).list().getItems().get(0);
        assertThat(written.getStatus().getReplicas()).isEqualTo(1);
        assertThat(written.getStatus().getReadyReplicas()).isEqualTo(0);
        assertThat(written.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Available");
            assertThat(c.getStatus()).isEqualTo("False"); // its pod does not run here
            assertThat(c.getReason()).isEqualTo("MinimumReplicasUnavailable");
        });
        assertThat(replicaSet.getStatus().getReplicas()).isEqualTo(1);

        reconciler.reconcile(namespace, "web");
        reconciler.reconcile(namespace, "web");

        assertThat(client.apps().deployments().inNamespace(namespace).withName("web").get().getMetadata().getResourceVersion())
                .isEqualTo(written.getMetadata().getResourceVersion());
        assertThat(client.apps().replicaSets().inNamespace(namespace).list().getItems().get(0).getMetadata().getResourceVersion())
                .isEqualTo(replicaSet.getMetadata().getResourceVersion());
    }

    @Test
    void scalingDownWithAStaleCacheDeletesOnlyTheSurplus() {
        Deployment created = client.resource(deployment("web", 3)).create();
        deploymentCache.put(created);
        reconciler.reconcile(namespace, "web");
        assertThat(client.pods().inNamespace(namespace).list().getItems()).hasSize(3);

        deploymentCache.put(client.apps().deployments().inNamespace(namespace).withName("web").edit(d -> {
            d.getSpec().setReplicas(1);
            return d;
        }));
        reconciler.reconcile(namespace, "web");
        reconciler.reconcile(namespace, "web");

        List<Pod> left = client.pods().inNamespace(namespace).list().getItems();
        assertThat(left).hasSize(1);
        assertThat(client.apps().replicaSets().inNamespace(namespace).list().getItems())
                .singleElement().satisfies(rs -> assertThat(rs.getSpec().getReplicas()).isEqualTo(1));
    }

    private Deployment deployment(String name, int replicas) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate()
                .withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName(name).withImage("example.com/" + name).endContainer().endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}

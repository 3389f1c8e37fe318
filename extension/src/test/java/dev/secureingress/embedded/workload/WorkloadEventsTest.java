package dev.secureingress.embedded.workload;

import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.cluster.FixtureDeployer;
import dev.secureingress.embedded.api.EmbeddedApiServer;
import dev.secureingress.fixtures.Fixture;
import dev.secureingress.ingress.IngressApplier;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The events the workload controller records for Deployments, ReplicaSets and pods, read through fabric8 as
 * {@code kubectl describe} reads them (by the involved object), with a real cluster's reasons, sources and messages.
 */
class WorkloadEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final WorkloadsForClass workloads = new WorkloadsForClass();

    @Test
    void creatingADeploymentRecordsTheScalingOfItsReplicaSetTheNewPodAndThePodStarting() {
        String ns = newNamespace();
        Deployment deployment = new FixtureDeployer(workloads.client()).timeout(WAIT).deploy(Fixture.HTTPBIN, ns);
        ReplicaSet replicaSet = onlyReplicaSet(ns);
        Pod pod = workloads.client().pods().inNamespace(ns).list().getItems().get(0);
        String container = pod.getSpec().getContainers().get(0).getName();
        String image = pod.getSpec().getContainers().get(0).getImage();

        assertThat(awaitEvents(deployment, 1)).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Normal");
            assertThat(e.getReason()).isEqualTo("ScalingReplicaSet");
            assertThat(e.getMessage()).isEqualTo("Scaled up replica set " + replicaSet.getMetadata().getName() + " from 0 to 1");
            assertThat(e.getSource().getComponent()).isEqualTo("deployment-controller");
            assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("apps/v1");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Deployment");
            assertThat(e.getInvolvedObject().getName()).isEqualTo("httpbin");
            assertThat(e.getCount()).isEqualTo(1);
            assertThat(e.getFirstTimestamp()).isNotNull().isEqualTo(e.getLastTimestamp());
        });
        assertThat(awaitEvents(replicaSet, 1)).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Normal");
            assertThat(e.getReason()).isEqualTo("SuccessfulCreate");
            assertThat(e.getMessage()).isEqualTo("Created pod: " + pod.getMetadata().getName());
            assertThat(e.getSource().getComponent()).isEqualTo("replicaset-controller");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("ReplicaSet");
        });
        List<Event> podEvents = awaitEvents(pod, 4);
        assertThat(podEvents).extracting(e -> e.getType() + " " + e.getReason() + " " + e.getSource().getComponent()
                        + " " + e.getInvolvedObject().getFieldPath() + ": " + e.getMessage())
                .containsExactly(
                        "Normal Scheduled default-scheduler null: Successfully assigned " + ns + "/" + pod.getMetadata().getName()
                                + " to " + EmbeddedApiServer.NODE_NAME,
                        "Normal Pulled kubelet spec.containers{" + container + "}: Container image \"" + image
                                + "\" already present on machine",
                        "Normal Created kubelet spec.containers{" + container + "}: Created container: " + container,
                        "Normal Started kubelet spec.containers{" + container + "}: Started container " + container);
        assertThat(podEvents.subList(1, 4)).allSatisfy(e -> assertThat(e.getSource().getHost()).isEqualTo(EmbeddedApiServer.NODE_NAME));
    }

    @Test
    void scalingUpAndDownRecordsEachScalingAndWhichPodsWereCreatedAndDeleted() {
        String ns = newNamespace();
        Deployment deployment = new FixtureDeployer(workloads.client()).timeout(WAIT).deploy(Fixture.HELLOWORLD_V1, ns);
        String replicaSet = onlyReplicaSet(ns).getMetadata().getName();

        workloads.client().apps().deployments().inNamespace(ns).withName("helloworld-v1").scale(3);
        Set<String> threePods = awaitPods(ns, 3);
        workloads.client().apps().deployments().inNamespace(ns).withName("helloworld-v1").scale(1);
        Set<String> onePod = awaitPods(ns, 1);

        assertThat(awaitEvents(deployment, 3)).extracting(Event::getMessage).containsExactly(
                "Scaled up replica set " + replicaSet + " from 0 to 1",
                "Scaled up replica set " + replicaSet + " from 1 to 3",
                "Scaled down replica set " + replicaSet + " from 3 to 1");
        List<Event> replicaSetEvents = awaitEvents(onlyReplicaSet(ns), 5);
        assertThat(replicaSetEvents).extracting(Event::getReason).containsExactly(
                "SuccessfulCreate", "SuccessfulCreate", "SuccessfulCreate", "SuccessfulDelete", "SuccessfulDelete");
        assertThat(podsIn(replicaSetEvents, "Created pod: ")).isEqualTo(threePods);
        Set<String> deleted = new HashSet<>(threePods);
        deleted.removeAll(onePod);
        assertThat(podsIn(replicaSetEvents, "Deleted pod: ")).isEqualTo(deleted);
    }

    @Test
    void aRolloutScalesTheNewReplicaSetUpAndTheOldOneDown() {
        String ns = newNamespace();
        Deployment deployment = new FixtureDeployer(workloads.client()).timeout(WAIT).deploy(Fixture.HELLOWORLD_V1, ns);
        String oldReplicaSet = onlyReplicaSet(ns).getMetadata().getName();

        workloads.client().apps().deployments().inNamespace(ns).withName("helloworld-v1").edit(d -> {
            d.getSpec().getTemplate().getMetadata().getLabels().put("rollout", "2");
            return d;
        });
        String newReplicaSet = BoundedWait.<List<ReplicaSet>>forState("a second ReplicaSet of helloworld-v1").atMost(WAIT)
                .until(() -> workloads.client().apps().replicaSets().inNamespace(ns).list().getItems(), sets -> sets.size() == 2)
                .stream().map(rs -> rs.getMetadata().getName()).filter(name -> !name.equals(oldReplicaSet))
                .findFirst().orElseThrow();

        assertThat(awaitEvents(deployment, 3)).extracting(Event::getMessage).containsExactly(
                "Scaled up replica set " + oldReplicaSet + " from 0 to 1",
                "Scaled up replica set " + newReplicaSet + " from 0 to 1",
                "Scaled down replica set " + oldReplicaSet + " from 1 to 0");
    }

    private static String newNamespace() {
        String name = "ev-" + UUID.randomUUID().toString().substring(0, 8);
        new IngressApplier(workloads.client(), name).createNamespace(name, WorkloadEventsTest.class.getSimpleName());
        return name;
    }

    private static ReplicaSet onlyReplicaSet(String ns) {
        List<ReplicaSet> sets = workloads.client().apps().replicaSets().inNamespace(ns).list().getItems();
        assertThat(sets).as("ReplicaSets in %s", ns).hasSize(1);
        return sets.get(0);
    }

    private static Set<String> awaitPods(String ns, int count) {
        Predicate<Pod> ready = DeploymentReconciler::isReady;
        return BoundedWait.<List<Pod>>forState(count + " ready pods in " + ns).atMost(WAIT)
                .describedBy(pods -> pods.stream().map(p -> p.getMetadata().getName()).toList().toString())
                .until(() -> workloads.client().pods().inNamespace(ns).list().getItems(),
                        pods -> pods.size() == count && pods.stream().allMatch(ready))
                .stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    }

    /**
     * The events about {@code object} once there are {@code count}, oldest first: the object's events are named
     * {@code <object>.<unix nanos in hex>}, as client-go names them.
     */
    private static List<Event> awaitEvents(HasMetadata object, int count) {
        String uid = object.getMetadata().getUid();
        return BoundedWait.<List<Event>>forState(count + " events about " + object.getKind() + " " + object.getMetadata().getName())
                .atMost(WAIT)
                .describedBy(events -> events.stream().map(e -> e.getReason() + ": " + e.getMessage()).toList().toString())
                .until(() -> workloads.client().v1().events().inNamespace(object.getMetadata().getNamespace()).list().getItems().stream()
                                .filter(e -> uid.equals(e.getInvolvedObject().getUid()))
                                .sorted(Comparator.comparing(e -> e.getMetadata().getName())).toList(),
                        events -> events.size() >= count);
    }

    private static Set<String> podsIn(List<Event> events, String messagePrefix) {
        return events.stream().map(Event::getMessage).filter(m -> m.startsWith(messagePrefix))
                .map(m -> m.substring(messagePrefix.length())).collect(Collectors.toSet());
    }
}

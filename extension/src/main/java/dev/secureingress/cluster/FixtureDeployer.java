package dev.secureingress.cluster;

import dev.secureingress.fixtures.Fixture;
import dev.secureingress.ingress.IngressApplier;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Deploys a sample backend ({@link Fixture}) into a namespace through fabric8 and waits until its Deployment
 * is Available — the same way on every backend (k3s runs the real image, the embedded cluster its stand-in).
 *
 * <pre>{@code
 * Deployment httpbin = new FixtureDeployer(cluster.client()).deploy(Fixture.HTTPBIN, "default");
 * }</pre>
 *
 * A timeout names the Deployment and reports what was last seen: replicas, conditions and why its pods are
 * not ready (for example an image pull error, or a missing embedded stand-in).
 */
public final class FixtureDeployer {

    private static final Logger LOG = LoggerFactory.getLogger(FixtureDeployer.class);

    private final KubernetesClient client;
    private Duration timeout = Duration.ofSeconds(120);

    public FixtureDeployer(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** How long to wait for the Deployment to become Available; 120 s unless set (images may need pulling). */
    public FixtureDeployer timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** Applies the fixture's manifests into {@code namespace} and awaits its Deployment Available. */
    public Deployment deploy(Fixture fixture, String namespace) {
        return deploy(fixture, new IngressApplier(client, namespace));
    }

    /**
     * Applies the fixture's manifests through {@code applier} (which remembers them for cleanup) into its
     * default namespace and awaits the Deployment Available.
     */
    public Deployment deploy(Fixture fixture, IngressApplier applier) {
        long start = System.nanoTime();
        applier.applyYaml(fixture.manifest(), "fixture " + fixture.name());
        Deployment available = awaitAvailable(applier.defaultNamespace(), fixture.deploymentName());
        LOG.info("Fixture {} available in namespace {} after {} ms", fixture, applier.defaultNamespace(),
                (System.nanoTime() - start) / 1_000_000);
        return available;
    }

    /**
     * Waits until the Deployment reports {@code Available=True} for its current generation, told of each change
     * by a watch.
     */
    public Deployment awaitAvailable(String namespace, String deploymentName) {
        return BoundedWait.<Deployment>forState("Deployment " + namespace + "/" + deploymentName + " to be Available")
                .atMost(timeout)
                .describedBy(this::describe)
                .untilWatched(client.apps().deployments().inNamespace(namespace).withName(deploymentName),
                        FixtureDeployer::isAvailable);
    }

    private static boolean isAvailable(Deployment deployment) {
        Long generation = deployment.getMetadata().getGeneration();
        return deployment.getStatus() != null
                && (generation == null || deployment.getStatus().getObservedGeneration() == null
                || deployment.getStatus().getObservedGeneration() >= generation)
                && ConditionReport.<Deployment>hasCondition("Available", "True").test(deployment);
    }

    private String describe(Deployment deployment) {
        var status = deployment.getStatus();
        String replicas = status == null ? "no status yet"
                : "replicas " + status.getReplicas() + ", ready " + status.getReadyReplicas() + ", available "
                + status.getAvailableReplicas() + ", updated " + status.getUpdatedReplicas();
        return ConditionReport.of(deployment) + "; " + replicas + "; pods: " + describePods(deployment);
    }

    private String describePods(Deployment deployment) {
        Map<String, String> selector = deployment.getSpec().getSelector() == null ? null
                : deployment.getSpec().getSelector().getMatchLabels();
        if (selector == null || selector.isEmpty()) {
            return "(no matchLabels selector)";
        }
        try {
            List<Pod> pods = client.pods().inNamespace(deployment.getMetadata().getNamespace()).withLabels(selector)
                    .list().getItems();
            if (pods.isEmpty()) {
                return "none";
            }
            return pods.stream().map(FixtureDeployer::describePod).collect(Collectors.joining("; "));
        } catch (RuntimeException e) {
            return "cannot list pods: " + e.getMessage();
        }
    }

    private static String describePod(Pod pod) {
        var status = pod.getStatus();
        if (status == null) {
            return pod.getMetadata().getName() + " has no status";
        }
        String waiting = status.getContainerStatuses() == null ? "" : status.getContainerStatuses().stream()
                .filter(c -> c.getState() != null && c.getState().getWaiting() != null)
                .map(c -> " container " + c.getName() + " waiting: " + c.getState().getWaiting().getReason()
                        + " (" + c.getState().getWaiting().getMessage() + ")")
                .collect(Collectors.joining(","));
        return pod.getMetadata().getName() + " " + status.getPhase() + waiting;
    }
}

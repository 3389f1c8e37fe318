package dev.secureingress.cluster.k3s;

import dev.secureingress.cluster.BoundedWait;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One step of bringing a cluster to the state the tests need: resources to apply, or a state to await
 * within a deadline. Steps talk only to the Kubernetes API, so a plan of them runs the same against
 * k3s, an existing cluster or an in-JVM API server.
 */
public sealed interface InstallStep permits InstallStep.Apply, InstallStep.Await {

    /** What the step does, in words, for progress lines and errors. */
    String description();

    /** Runs the step; an {@link Await} that runs out throws {@link dev.secureingress.cluster.WaitTimeoutException}. */
    void run(KubernetesClient client);

    /** Applies resources in order: created when absent, updated when present. */
    static Apply apply(String description, List<? extends HasMetadata> resources) {
        return new Apply(description, List.copyOf(resources));
    }

    /** Awaits a state read through the Kubernetes API; see {@link BoundedWait}. */
    static <T> Await await(String description, Duration timeout, Function<KubernetesClient, T> probe,
                           Predicate<? super T> done, Function<? super T, String> describer) {
        return new Await(description, timeout, client -> BoundedWait.<T>forState(description)
                .atMost(timeout)
                .pollEvery(Duration.ofMillis(500))
                .describedBy(describer)
                .until(() -> probe.apply(client), done));
    }

    /** Awaits through a wait that is already bounded (for example {@link dev.secureingress.cluster.FixtureDeployer}'s). */
    static Await await(String description, Duration timeout, java.util.function.Consumer<KubernetesClient> boundedWait) {
        return new Await(description, timeout, boundedWait);
    }

    /** Resources applied in the order given. */
    record Apply(String description, List<HasMetadata> resources) implements InstallStep {
        public Apply {
            Objects.requireNonNull(description, "description");
            resources = List.copyOf(resources);
        }

        @Override
        public void run(KubernetesClient client) {
            for (HasMetadata resource : resources) {
                applyOne(client, resource);
            }
        }

        /** Attempts per resource when a controller updates it between our read and our write (HTTP 409). */
        private static final int ATTEMPTS = 5;

        private static void applyOne(KubernetesClient client, HasMetadata resource) {
            for (int attempt = 1; ; attempt++) {
                try {
                    HasMetadata copy = Serialization.clone(resource); // the client may write a resourceVersion into it
                    copy.getMetadata().setResourceVersion(null);
                    createOrUpdate(client, copy);
                    return;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409 || attempt == ATTEMPTS) {
                        throw e;
                    }
                }
            }
        }

        private static void createOrUpdate(KubernetesClient client, HasMetadata resource) {
            if (resource instanceof GenericKubernetesResource generic && "HelmChart".equals(generic.getKind())) {
                // Custom resource without a model class: address it explicitly instead of relying on discovery.
                client.genericKubernetesResources(IstioInstallation.HELM_CHART)
                        .inNamespace(generic.getMetadata().getNamespace())
                        .resource(generic)
                        .createOr(NonDeletingOperation::update);
            } else {
                client.resource(resource).createOr(NonDeletingOperation::update);
            }
        }
    }

    /** A bounded wait for a state of the cluster. */
    final class Await implements InstallStep {
        private final String description;
        private final Duration timeout;
        private final java.util.function.Consumer<KubernetesClient> wait;

        private Await(String description, Duration timeout, java.util.function.Consumer<KubernetesClient> wait) {
            this.description = Objects.requireNonNull(description, "description");
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            this.wait = wait;
        }

        @Override
        public String description() {
            return description;
        }

        /** How long the step waits at most. */
        public Duration timeout() {
            return timeout;
        }

        @Override
        public void run(KubernetesClient client) {
            wait.accept(client);
        }

        @Override
        public String toString() {
            return "await " + description + " (at most " + timeout.toSeconds() + " s)";
        }
    }
}

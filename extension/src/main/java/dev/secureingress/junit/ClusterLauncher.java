package dev.secureingress.junit;

import dev.secureingress.cluster.IngressCluster;
import dev.secureingress.cluster.k3s.DockerNotAvailableException;
import dev.secureingress.cluster.k3s.K3sCluster;
import dev.secureingress.cluster.kubeconfig.KubeconfigCluster;
import dev.secureingress.embedded.EmbeddedCluster;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Starts the cluster for a backend, deciding {@link Backend#AUTO} on the way: k3s where Testcontainers
 * finds Docker, else embedded. One launched cluster per JVM is shared by every test class whose settings
 * give the same {@link #key key}, in every test run of the JVM ({@link SharedClusters}); the k3s backend runs
 * one container per JVM in any case.
 */
final class ClusterLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterLauncher.class);

    /**
     * A started cluster, the backend it runs on and why a class got that backend. {@link SharedClusters}
     * stops it when no test run holds it any more.
     */
    record LaunchedCluster(IngressCluster cluster, Backend backend, String reason, long startMillis) {

        /** The same cluster, chosen for another class for {@code reason}. */
        LaunchedCluster chosenBecause(String reason) {
            return new LaunchedCluster(cluster, backend, reason, startMillis);
        }

        void stop() {
            LOG.info("Stopping the {} cluster", backend.configName());
            cluster.close();
        }

        /** One line for logs and test reports. */
        String describe() {
            return backend.configName() + " (" + reason + "; started in " + startMillis + " ms)";
        }
    }

    /** The backend to start and why: {@link Backend#AUTO} decided. */
    record Choice(Backend backend, String reason) {
    }

    private ClusterLauncher() {
    }

    /**
     * The JVM's cluster for these settings, launched by the first class that needs it: the run holds a
     * {@link SharedClusters.Lease} on it in its root store, so test runs nested in this one (JUnit's
     * {@code EngineTestKit}) share it, and it stops when the last run holding it ends.
     *
     * @param parameters JUnit's configuration parameters (for the k3s backend's {@code secure-ingress.k3s.*})
     */
    static LaunchedCluster shared(ExtensionContext.Store rootStore, SecureIngressSettings settings,
                                  Function<String, Optional<String>> parameters) {
        Choice choice = choose(settings.backend(), K3sCluster::dockerUnavailableReason);
        return rootStore.getOrComputeIfAbsent(key(choice.backend(), settings),
                key -> SharedClusters.acquire(key, () -> launch(choice, settings, parameters)),
                SharedClusters.Lease.class).cluster().chosenBecause(choice.reason());
    }

    /**
     * Decides {@link Backend#AUTO}: k3s when {@code dockerUnavailableReason} is empty, else embedded with
     * that reason. Other backends stay as configured.
     */
    static Choice choose(Backend configured, Supplier<Optional<String>> dockerUnavailableReason) {
        if (configured != Backend.AUTO) {
            return new Choice(configured, "configured");
        }
        Optional<String> noDocker = dockerUnavailableReason.get();
        return noDocker.map(reason -> new Choice(Backend.EMBEDDED, "auto: Docker is not available (" + reason + ")"))
                .orElseGet(() -> new Choice(Backend.K3S, "auto: Docker is available"));
    }

    /** Classes whose settings give the same key share one cluster. */
    static String key(Backend backend, SecureIngressSettings settings) {
        return "secure-ingress.cluster:" + backend.configName() + (backend == Backend.KUBECONFIG
                ? ":" + Objects.toString(settings.kubeconfig(), "default") + ":" + Objects.toString(settings.kubeconfigContext(), "current")
                + ":" + settings.namespacePrefix()
                : "");
    }

    /**
     * Starts the chosen backend.
     *
     * @throws ExtensionConfigurationException when the backend cannot run as configured (no Docker for
     *                                         k3s, a bad {@code secure-ingress.k3s.*} value, a missing
     *                                         kubeconfig or context), naming the fix
     * @throws dev.secureingress.cluster.kubeconfig.MissingPrerequisitesException when the existing cluster
     *                                         lacks the Gateway API CRDs, istiod or GatewayClass istio
     */
    static LaunchedCluster launch(Choice choice, SecureIngressSettings settings, Function<String, Optional<String>> parameters) {
        LOG.info("Starting the {} cluster ({}){}", choice.backend().configName(), choice.reason(),
                choice.reason().startsWith("auto: Docker is not available")
                        ? "; an error logged by Testcontainers' Docker detection only means that" : "");
        long started = System.nanoTime();
        IngressCluster cluster = switch (choice.backend()) {
            case EMBEDDED -> EmbeddedCluster.builder().start();
            case K3S -> startK3s(settings, parameters);
            case KUBECONFIG -> connectKubeconfig(settings);
            case AUTO -> throw new IllegalStateException("AUTO is decided by choose()");
        };
        long millis = (System.nanoTime() - started) / 1_000_000;
        LaunchedCluster launched = new LaunchedCluster(cluster, choice.backend(), choice.reason(), millis);
        LOG.info("Cluster ready: {}", launched.describe());
        return launched;
    }

    private static K3sCluster startK3s(SecureIngressSettings settings, Function<String, Optional<String>> parameters) {
        K3sCluster.Builder builder;
        try {
            builder = K3sCluster.builder()
                    .withReadinessTimeout(settings.startupTimeout())
                    .withConfiguration(key -> parameters.apply(key).filter(value -> !value.isBlank()).orElse(null));
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("backend k3s: " + e.getMessage()
                    + " (configuration parameters secure-ingress.k3s.*, see the README's k3s section)", e);
        }
        try {
            return builder.startShared();
        } catch (DockerNotAvailableException e) {
            throw new ExtensionConfigurationException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("backend k3s: " + e.getMessage(), e);
        }
    }

    private static KubeconfigCluster connectKubeconfig(SecureIngressSettings settings) {
        try {
            return KubeconfigCluster.builder()
                    .kubeconfig(settings.kubeconfig())
                    .context(settings.kubeconfigContext())
                    .namespacePrefix(settings.namespacePrefix())
                    .start();
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("backend kubeconfig: " + e.getMessage()
                    + " (configuration parameters " + SettingsResolver.KUBECONFIG + ", " + SettingsResolver.KUBECONFIG_CONTEXT + ")", e);
        }
    }
}

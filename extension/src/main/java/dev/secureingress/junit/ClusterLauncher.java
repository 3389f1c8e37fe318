package dev.secureingress.junit;

import dev.secureingress.cluster.IngressCluster;
import dev.secureingress.embedded.EmbeddedCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Starts the cluster for a backend, deciding {@link Backend#AUTO} on the way. One launched cluster is
 * shared by every test class with the same {@link #key(SecureIngressSettings) key}.
 */
final class ClusterLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterLauncher.class);

    /** A started cluster, the backend it runs on and why that backend was chosen. Closing stops the cluster. */
    record LaunchedCluster(IngressCluster cluster, Backend backend, String reason, long startMillis) implements AutoCloseable {
        @Override
        public void close() {
            LOG.info("Stopping the {} cluster", backend.configName());
            cluster.close();
        }

        /** One line for logs and test reports. */
        String describe() {
            return backend.configName() + " (" + reason + "; started in " + startMillis + " ms)";
        }
    }

    private ClusterLauncher() {
    }

    /** Classes whose settings give the same key share one cluster. */
    static String key(SecureIngressSettings settings) {
        return "secure-ingress.cluster:" + settings.backend().configName()
                + (settings.backend() == Backend.KUBECONFIG ? ":" + Objects.toString(settings.kubeconfig(), "default") : "");
    }

    static LaunchedCluster launch(SecureIngressSettings settings) {
        Backend backend = settings.backend();
        String reason = "configured";
        if (backend == Backend.AUTO) {
            // k3s where Docker works, once the k3s backend is wired in here; until then always embedded
            String docker = dockerUnavailableReason();
            backend = Backend.EMBEDDED;
            reason = docker == null ? "auto: Docker is available, but this build starts only the embedded backend"
                    : "auto: " + docker;
        }
        LOG.info("Starting the {} cluster ({})", backend.configName(), reason);
        long started = System.nanoTime();
        IngressCluster cluster = switch (backend) {
            case EMBEDDED -> EmbeddedCluster.builder().start();
            case K3S, KUBECONFIG -> throw new org.junit.jupiter.api.extension.ExtensionConfigurationException(
                    "backend " + backend.configName() + " is not available in this build of the extension yet; "
                            + "use backend \"embedded\" (or \"auto\")");
            case AUTO -> throw new IllegalStateException("AUTO is decided above");
        };
        long millis = (System.nanoTime() - started) / 1_000_000;
        LaunchedCluster launched = new LaunchedCluster(cluster, backend, reason, millis);
        LOG.info("Cluster ready: {}", launched.describe());
        return launched;
    }

    /**
     * Why Docker cannot be used, or {@code null} when it can. Cheap checks first (no {@code DOCKER_HOST},
     * no socket), then Testcontainers' own detection.
     */
    static String dockerUnavailableReason() {
        String dockerHost = System.getenv("DOCKER_HOST");
        boolean socket = Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".docker/run/docker.sock"));
        boolean testcontainersConfig = Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
        if ((dockerHost == null || dockerHost.isBlank()) && !socket && !testcontainersConfig) {
            return "no Docker engine found (no DOCKER_HOST, no /var/run/docker.sock)";
        }
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable()
                    ? null : "Testcontainers cannot reach a Docker engine";
        } catch (RuntimeException | LinkageError e) {
            return "Docker check failed: " + e.getMessage();
        }
    }
}

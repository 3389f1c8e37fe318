package dev.secureingress.embedded;

import dev.secureingress.embedded.dataplane.PortPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * An embedded cluster for trying things by hand, described by files in a state directory:
 * {@code kubeconfig} (for kubectl), {@code ingress.env} (shell lines to source) and {@code ready} (exists
 * while the cluster serves). Gateways bind their logical ports where allowed, else the port plus
 * {@value PortPolicy#OFFSET} ({@link PortPolicy#LOGICAL_OR_OFFSET}).
 *
 * <pre>{@code
 * try (Sandbox sandbox = Sandbox.start(Path.of("/tmp/sandbox"))) {
 *     // kubectl --kubeconfig /tmp/sandbox/kubeconfig get gtw -A
 * }
 * }</pre>
 */
public final class Sandbox implements AutoCloseable {

    public static final String KUBECONFIG_FILE = "kubeconfig";
    public static final String ENV_FILE = "ingress.env";
    public static final String READY_FILE = "ready";

    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);

    private final Path stateDirectory;
    private final EmbeddedCluster cluster;
    private boolean closed;

    private Sandbox(Path stateDirectory, EmbeddedCluster cluster) {
        this.stateDirectory = stateDirectory;
        this.cluster = cluster;
    }

    /**
     * Boots the cluster and writes the state files; {@code ready} is written last, once the API server and
     * the gateway controller serve.
     *
     * @throws UncheckedIOException when the state directory cannot be written
     */
    public static Sandbox start(Path stateDirectory) {
        Path directory = Objects.requireNonNull(stateDirectory, "stateDirectory").toAbsolutePath();
        try {
            Files.createDirectories(directory);
            Files.deleteIfExists(directory.resolve(READY_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use sandbox state directory " + directory
                    + ": " + e.getMessage() + " (pass a writable --state-dir)", e);
        }
        LOG.info("Starting the secure-ingress sandbox, state directory {}", directory);
        EmbeddedCluster cluster = EmbeddedCluster.builder().portPolicy(PortPolicy.LOGICAL_OR_OFFSET).start();
        Sandbox sandbox = new Sandbox(directory, cluster);
        try {
            sandbox.writeStateFiles();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        LOG.info("Sandbox ready. Try: export KUBECONFIG={}; kubectl get gatewayclass,namespaces", sandbox.kubeconfig());
        return sandbox;
    }

    /** The running cluster. */
    public EmbeddedCluster cluster() {
        return cluster;
    }

    public Path stateDirectory() {
        return stateDirectory;
    }

    public Path kubeconfig() {
        return stateDirectory.resolve(KUBECONFIG_FILE);
    }

    public Path envFile() {
        return stateDirectory.resolve(ENV_FILE);
    }

    public Path readyFile() {
        return stateDirectory.resolve(READY_FILE);
    }

    /** The lines of {@code ingress.env}: plain {@code NAME=value} assignments, then one {@code export}. */
    String envFileContent() {
        return "# secure-ingress sandbox: source this file (. " + envFile() + ")\n"
                + "KUBECONFIG=" + shellQuote(kubeconfig().toString()) + "\n"
                + "SECURE_INGRESS_API_SERVER=" + shellQuote(cluster.apiServer().url()) + "\n"
                + "SECURE_INGRESS_PORT_OFFSET=" + PortPolicy.OFFSET + "\n"
                + "SECURE_INGRESS_SANDBOX_PID=" + ProcessHandle.current().pid() + "\n"
                + "export KUBECONFIG SECURE_INGRESS_API_SERVER SECURE_INGRESS_PORT_OFFSET SECURE_INGRESS_SANDBOX_PID\n";
    }

    private void writeStateFiles() {
        try {
            cluster.apiServer().writeKubeconfig(kubeconfig());
            Files.writeString(envFile(), envFileContent());
            Files.writeString(readyFile(), Instant.now() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sandbox state files in " + stateDirectory, e);
        }
    }

    private static String shellQuote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** Removes {@code ready} and stops the cluster. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Files.deleteIfExists(readyFile());
        } catch (IOException e) {
            LOG.warn("Could not remove {}", readyFile(), e);
        }
        cluster.close();
        LOG.info("Sandbox stopped");
    }
}

package dev.secureingress.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Kubernetes cluster that runs the Gateway API and Istio's gateway controller, as tests see it.
 *
 * <p>This is the cluster boundary: the k3s, kubeconfig and embedded backends implement it, and everything
 * above it (secrets, gateways, routes, fixtures, waits, clients) talks to the cluster only through
 * {@link #client()} and {@link #gatewayEndpoint}.
 */
public interface IngressCluster extends AutoCloseable {

    /** Short backend name for logs and reports: {@code embedded}, {@code k3s} or {@code kubeconfig}. */
    String backendName();

    /** A client for the cluster's Kubernetes API; owned by the cluster, do not close it. */
    KubernetesClient client();

    /**
     * Where the test JVM reaches a listener port of a programmed Gateway, the way
     * {@code curl --resolve host:port:address} would be told. The logical port is the listener's
     * {@code spec.listeners[].port}; the returned address may use another port (a NodePort, a
     * port-forward, an offset port) when the logical one is not reachable from here.
     *
     * @throws IllegalStateException naming the gateway and what is missing when it has no address yet
     */
    InetSocketAddress gatewayEndpoint(String namespace, String gatewayName, int listenerPort);

    /**
     * Labels to put on every object tests create in this cluster: the cluster deletes what carries them
     * when it closes, so nothing a run created outlives it even when a test class could not clean up.
     * Empty (the default) for clusters that vanish as a whole on {@link #close()}.
     */
    default Map<String, String> labels() {
        return Map.of();
    }

    /**
     * Writes backend-specific diagnostics (for example the gateway pods' logs) for the given namespace
     * into {@code directory}. The shared dump of resources and events is written by the caller.
     */
    default void writeDiagnostics(String namespace, Path directory) {
    }

    /** Releases everything the cluster started. Never throws for resources already gone. */
    @Override
    void close();
}

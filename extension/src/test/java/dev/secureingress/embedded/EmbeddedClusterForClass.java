package dev.secureingress.embedded;

import dev.secureingress.embedded.api.EmbeddedApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.InetSocketAddress;

/**
 * One embedded cluster for a test class, started before the class (before its {@code @BeforeAll} methods) and closed
 * after it. Register it as a static field:
 * {@code @RegisterExtension static final EmbeddedClusterForClass cluster = new EmbeddedClusterForClass();}.
 */
public final class EmbeddedClusterForClass implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = EmbeddedCluster.builder().start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
        }
    }

    public EmbeddedCluster cluster() {
        return cluster;
    }

    /** The cluster's client (owned by the cluster). */
    public KubernetesClient client() {
        return cluster.client();
    }

    public EmbeddedApiServer apiServer() {
        return cluster.apiServer();
    }

    /** See {@link EmbeddedCluster#gatewayEndpoint(String, String, int)}. */
    public InetSocketAddress gatewayEndpoint(String namespace, String gateway, int port) {
        return cluster.gatewayEndpoint(namespace, gateway, port);
    }
}

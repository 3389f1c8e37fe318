package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded API server for a test class, started before the class and closed after it. Register it as a static
 * field: {@code @RegisterExtension static final ApiServerForClass api = new ApiServerForClass();}.
 */
public final class ApiServerForClass implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedApiServer server;
    private KubernetesClient inProcessClient;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = EmbeddedApiServer.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    public EmbeddedApiServer server() {
        return server;
    }

    /** One in-process client of the server, made on first use (owned by the server). */
    public synchronized KubernetesClient inProcessClient() {
        if (inProcessClient == null) {
            inProcessClient = server.inProcessClient();
        }
        return inProcessClient;
    }

    /** The server's fabric8 client over HTTPS (owned by the server). */
    public KubernetesClient client() {
        return server.client();
    }
}

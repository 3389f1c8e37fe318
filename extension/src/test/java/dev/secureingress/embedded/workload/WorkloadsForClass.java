package dev.secureingress.embedded.workload;

import dev.secureingress.embedded.api.EmbeddedApiServer;
import dev.secureingress.fixtures.StandIns;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An embedded API server and a workload controller running its Deployments and pods with the default stand-ins, for
 * one test class: started before the class, closed after it. Register it as a static field:
 * {@code @RegisterExtension static final WorkloadsForClass workloads = new WorkloadsForClass();}.
 */
final class WorkloadsForClass implements BeforeAllCallback, AfterAllCallback {

    private final StandIns standIns = StandIns.withDefaults();
    private EmbeddedApiServer api;
    private WorkloadController controller;

    @Override
    public void beforeAll(ExtensionContext context) {
        api = EmbeddedApiServer.start();
        controller = WorkloadController.start(api.client(), standIns);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (controller != null) {
            controller.close();
        }
        if (api != null) {
            api.close();
        }
    }

    /** The API server's fabric8 client (owned by the server). */
    KubernetesClient client() {
        return api.client();
    }

    WorkloadController controller() {
        return controller;
    }

    StandIns standIns() {
        return standIns;
    }
}

package dev.secureingress.ingress;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** A replace that loses the race with another writer (HTTP 409 Conflict) is tried again on the newer version. */
@EnableKubernetesMockClient
class IngressApplierConflictTest {

    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final String COLLECTION = "/api/v1/namespaces/%s/configmaps";

    @Test
    void aReplaceThatConflictsOnceIsTriedAgain() {
        String namespace = "conflict-once";
        expectExistingObject(namespace);
        server.expect().put().withPath(path(namespace) + "/settings").andReturn(409, conflict()).once();
        server.expect().put().withPath(path(namespace) + "/settings").andReturn(200, stored("2", "new")).once();

        ConfigMap applied = new IngressApplier(client, namespace).apply(configMap("new"));

        assertThat(applied.getData()).containsEntry("value", "new");
        assertThat(applied.getMetadata().getResourceVersion()).isEqualTo("2");
    }

    @Test
    void aReplaceThatKeepsConflictingFailsNamingTheObjectAndTheAttempts() {
        String namespace = "conflict-always";
        expectExistingObject(namespace);
        server.expect().put().withPath(path(namespace) + "/settings").andReturn(409, conflict()).always();

        assertThatIllegalStateException()
                .isThrownBy(() -> new IngressApplier(client, namespace).apply(configMap("new")))
                .withMessageContaining("cannot apply ConfigMap conflict-always/settings (attempt 5)")
                .withMessageContaining("the object has been modified");
    }

    private static void expectExistingObject(String namespace) {
        server.expect().post().withPath(path(namespace)).andReturn(409, new StatusBuilder().withCode(409)
                .withReason("AlreadyExists").withMessage("configmaps \"settings\" already exists").build()).always();
        server.expect().get().withPath(path(namespace) + "/settings").andReturn(200, stored("1", "old")).always();
    }

    private static String path(String namespace) {
        return String.format(COLLECTION, namespace);
    }

    private static ConfigMap configMap(String value) {
        return new ConfigMapBuilder().withNewMetadata().withName("settings").endMetadata()
                .addToData("value", value).build();
    }

    private static ConfigMap stored(String resourceVersion, String value) {
        ConfigMap stored = configMap(value);
        stored.getMetadata().setResourceVersion(resourceVersion);
        return stored;
    }

    private static Status conflict() {
        return new StatusBuilder().withCode(409).withReason("Conflict")
                .withMessage("Operation cannot be fulfilled on configmaps \"settings\": the object has been modified;"
                        + " please apply your changes to the latest version and try again").build();
    }
}

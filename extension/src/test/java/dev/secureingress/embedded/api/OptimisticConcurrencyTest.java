package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Writes that name a resourceVersion are carried out only on that version, as on a real API server. */
class OptimisticConcurrencyTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    @Test
    void aStatusWrittenOverAnOutdatedVersionIsAConflictAndChangesNothing() {
        Gateway read = gateway();
        api.client().resource(withCondition(read, "Accepted")).updateStatus(); // somebody else's write in between

        Status refused = conflict(() -> api.client().resource(withCondition(read, "Programmed")).updateStatus());

        assertThat(refused.getMessage()).isEqualTo("Operation cannot be fulfilled on gateways.gateway.networking.k8s.io \""
                + read.getMetadata().getName() + "\": the object has been modified; please apply your changes to the"
                + " latest version and try again");
        assertThat(refused.getReason()).isEqualTo("Conflict");
        assertThat(refused.getDetails().getName()).isEqualTo(read.getMetadata().getName());
        assertThat(refused.getDetails().getGroup()).isEqualTo("gateway.networking.k8s.io");
        assertThat(refused.getDetails().getKind()).isEqualTo("gateways");
        assertThat(api.client().resource(read).get().getStatus().getConditions()).extracting("type")
                .containsExactly("Accepted");
    }

    @Test
    void aStatusWrittenOverTheStoredVersionIsStored() {
        Gateway read = gateway();

        Gateway written = api.client().resource(withCondition(read, "Programmed")).updateStatus();

        assertThat(written.getMetadata().getResourceVersion()).isNotEqualTo(read.getMetadata().getResourceVersion());
        assertThat(api.client().resource(read).get().getStatus().getConditions()).extracting("type")
                .containsExactly("Programmed");
    }

    @Test
    void theObjectItselfIsCheckedTheSameWay() {
        Gateway read = gateway();
        api.client().resource(withCondition(read, "Accepted")).updateStatus();
        Gateway changed = new GatewayBuilder(read).editSpec().editFirstListener().withPort(8443).endListener().endSpec()
                .build();

        Status refused = conflict(() -> api.client().resource(changed).update());

        assertThat(refused.getMessage()).startsWith("Operation cannot be fulfilled on gateways.gateway.networking.k8s.io");
        assertThat(refused.getDetails().getKind()).isEqualTo("gateways");
        assertThat(api.client().resource(read).get().getSpec().getListeners().get(0).getPort()).isEqualTo(443);
    }

    @Test
    void aStatusPatchWithoutAResourceVersionIsNotChecked() {
        Gateway read = gateway();
        api.client().resource(withCondition(read, "Accepted")).updateStatus();

        api.client().resources(Gateway.class).inNamespace("default").withName(read.getMetadata().getName())
                .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"status\":{\"conditions\":[" + conditionJson("Programmed") + "]}}");

        assertThat(api.client().resource(read).get().getStatus().getConditions()).extracting("type")
                .containsExactly("Programmed");
    }

    @Test
    void aStatusPatchNamingAnOutdatedVersionIsAConflict() {
        Gateway read = gateway();
        api.client().resource(withCondition(read, "Accepted")).updateStatus();

        Status refused = conflict(() -> api.client().resources(Gateway.class).inNamespace("default")
                .withName(read.getMetadata().getName()).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"resourceVersion\":\""
                        + read.getMetadata().getResourceVersion() + "\"},\"status\":{\"conditions\":["
                        + conditionJson("Programmed") + "]}}"));

        assertThat(refused.getReason()).isEqualTo("Conflict");
        assertThat(api.client().resource(read).get().getStatus().getConditions()).extracting("type")
                .containsExactly("Accepted");
    }

    @Test
    void aCoreObjectsConflictNamesNoGroup() {
        ConfigMap read = api.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("occ-" + UUID.randomUUID().toString().substring(0, 8)).endMetadata()
                .addToData("a", "1").build()).create();
        api.client().resource(new ConfigMapBuilder(read).addToData("a", "2").build()).update();

        Status refused = conflict(() -> api.client().resource(new ConfigMapBuilder(read).addToData("a", "3").build())
                .update());

        assertThat(refused.getMessage()).startsWith("Operation cannot be fulfilled on configmaps \""
                + read.getMetadata().getName() + "\"");
        assertThat(refused.getDetails().getGroup()).isNull();
        assertThat(refused.getDetails().getKind()).isEqualTo("configmaps");
    }

    private static Status conflict(ThrowingCallable write) {
        KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class, write);
        assertThat(refused).as("the write's answer").isNotNull();
        assertThat(refused.getCode()).as("%s", refused.getMessage()).isEqualTo(409);
        return refused.getStatus();
    }

    private static Gateway gateway() {
        return api.client().resource(new GatewayBuilder()
                .withNewMetadata().withName("occ-" + UUID.randomUUID().toString().substring(0, 8))
                .withNamespace("default").endMetadata()
                .withNewSpec().withGatewayClassName("istio").addNewListener().withName("http").withPort(443)
                .withProtocol("HTTP").endListener().endSpec()
                .build()).create();
    }

    private static Gateway withCondition(Gateway gateway, String type) {
        return new GatewayBuilder(gateway).withNewStatus().withConditions(new ConditionBuilder().withType(type)
                .withStatus("True").withReason(type).withMessage("set by the test")
                .withLastTransitionTime("2026-01-01T00:00:00Z").build()).endStatus().build();
    }

    private static String conditionJson(String type) {
        return "{\"type\":\"" + type + "\",\"status\":\"True\",\"reason\":\"" + type + "\",\"message\":\"set by the"
                + " test\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}";
    }
}

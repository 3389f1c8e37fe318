package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Every write records its manager in {@code metadata.managedFields} as a real API server does: creates, updates,
 * merge and JSON patches an {@code Update} entry, writes to the {@code status} subresource an entry of their own with
 * {@code subresource: status}.
 */
class ManagedFieldsTest {

    private static final String FABRIC8 = "fabric8-kubernetes-client";

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    @Test
    void editSendsAJsonPatchWhoseFieldsBecomeTheManagers() {
        api.client().resource(configMap("edited")).create();

        ConfigMap edited = api.client().configMaps().inNamespace("default").withName("edited")
                .edit(configMap -> new ConfigMapBuilder(configMap).addToData("added", "by edit").build());

        assertThat(edited.getData()).containsEntry("added", "by edit");
        assertThat(edited.getMetadata().getManagedFields()).singleElement().satisfies(entry -> {
            assertThat(entry.getManager()).isEqualTo(FABRIC8);
            assertThat(entry.getOperation()).isEqualTo("Update");
            assertThat(fields(entry)).contains("\"f:added\"").contains("\"f:key\"");
        });
    }

    @Test
    void aJsonPatchOfAnotherManagerTakesTheFieldsItChanged() {
        api.client().resource(configMap("patched")).create();
        PatchContext jsonPatch = new PatchContext.Builder().withPatchType(PatchType.JSON)
                .withFieldManager("json-patcher").build();

        ConfigMap patched = api.client().configMaps().inNamespace("default").withName("patched").patch(jsonPatch,
                "[{\"op\":\"replace\",\"path\":\"/data/key\",\"value\":\"patched\"},"
                        + "{\"op\":\"add\",\"path\":\"/metadata/labels/tier\",\"value\":\"web\"}]");

        assertThat(patched.getData()).containsEntry("key", "patched");
        assertThat(patched.getMetadata().getLabels()).containsEntry("tier", "web");
        assertThat(patched.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager,
                ManagedFieldsEntry::getOperation).containsExactly(tuple(FABRIC8, "Update"),
                tuple("json-patcher", "Update"));
        ManagedFieldsEntry creator = patched.getMetadata().getManagedFields().get(0);
        ManagedFieldsEntry patcher = patched.getMetadata().getManagedFields().get(1);
        assertThat(fields(creator)).contains("\"f:other\"").doesNotContain("\"f:key\"");
        assertThat(fields(patcher)).contains("\"f:key\"").contains("\"f:tier\"").doesNotContain("\"f:other\"");
    }

    @Test
    void aStatusUpdateIsRecordedApartFromTheSameManagersUpdateOfTheObject() {
        api.client().resource(gateway("updated")).create();
        Gateway withStatus = api.client().resources(Gateway.class).inNamespace("default").withName("updated").get();
        withStatus.setStatus(new GatewayBuilder().withNewStatus().addToConditions(new ConditionBuilder()
                .withType("Accepted").withStatus("True").withReason("Accepted").withMessage("ok")
                .withLastTransitionTime("2026-01-01T00:00:00Z").withObservedGeneration(1L).build())
                .endStatus().build().getStatus());

        Gateway updated = api.client().resource(withStatus).updateStatus();

        assertThat(updated.getStatus().getConditions()).extracting("type").containsExactly("Accepted");
        assertThat(updated.getMetadata().getGeneration()).as("a status write is no change of the spec").isEqualTo(1L);
        assertThat(updated.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager,
                ManagedFieldsEntry::getOperation, ManagedFieldsEntry::getSubresource, ManagedFieldsEntry::getApiVersion)
                .containsExactly(tuple(FABRIC8, "Update", null, "gateway.networking.k8s.io/v1"),
                        tuple(FABRIC8, "Update", "status", "gateway.networking.k8s.io/v1"));
        assertThat(fields(updated.getMetadata().getManagedFields().get(0))).contains("\"f:spec\"")
                .doesNotContain("\"f:status\"");
        assertThat(fields(updated.getMetadata().getManagedFields().get(1))).contains("\"f:status\"")
                .contains("\"k:{\\\"type\\\":\\\"Accepted\\\"}\"").doesNotContain("\"f:spec\"");
        assertThat(stored("updated").getMetadata().getManagedFields()).hasSize(2);
    }

    @Test
    void aStatusPatchChangesOnlyTheStatusAndRecordsItsManagerForTheSubresource() {
        api.client().resource(gateway("status-patched")).create();
        PatchContext mergePatch = new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE)
                .withFieldManager("gateway-controller").build();

        Gateway patched = api.client().resources(Gateway.class).inNamespace("default").withName("status-patched")
                .subresource("status").patch(mergePatch, "{\"spec\":{\"gatewayClassName\":\"other\"},"
                        + "\"status\":{\"addresses\":[{\"type\":\"IPAddress\",\"value\":\"127.0.0.2\"}]}}");

        assertThat(patched.getStatus().getAddresses()).extracting("value").containsExactly("127.0.0.2");
        assertThat(patched.getSpec().getGatewayClassName()).as("only the status is written").isEqualTo("istio");
        assertThat(patched.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager,
                ManagedFieldsEntry::getSubresource).containsExactly(tuple(FABRIC8, null),
                tuple("gateway-controller", "status"));

        PatchContext jsonPatch = new PatchContext.Builder().withPatchType(PatchType.JSON)
                .withFieldManager("address-remover").build();
        Gateway emptied = api.client().resources(Gateway.class).inNamespace("default").withName("status-patched")
                .subresource("status").patch(jsonPatch, "[{\"op\":\"remove\",\"path\":\"/status/addresses\"}]");

        assertThat(ApiJson.write(emptied.getStatus())).doesNotContain("127.0.0.2");
        assertThat(emptied.getStatus().getConditions()).extracting("reason").containsExactly("Pending", "Pending");
        assertThat(emptied.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager,
                ManagedFieldsEntry::getSubresource)
                .as("the controller lost what was removed; the remover owns nothing, so it has no entry")
                .containsExactly(tuple(FABRIC8, null));
    }

    private static Gateway stored(String name) {
        return api.client().resources(Gateway.class).inNamespace("default").withName(name).get();
    }

    private static String fields(ManagedFieldsEntry entry) {
        return ApiJson.write(entry.getFieldsV1());
    }

    private static ConfigMap configMap(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .addToData("key", "created").addToData("other", "kept").build();
    }

    private static HasMetadata gateway(String name) {
        return new GatewayBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withGatewayClassName("istio").addNewListener().withName("http").withPort(80)
                .withProtocol("HTTP").endListener().endSpec().build();
    }
}

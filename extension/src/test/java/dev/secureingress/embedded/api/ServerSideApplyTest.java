package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Server-side apply through fabric8's {@code serverSideApply()}, and the answers to malformed apply requests. */
class ServerSideApplyTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    private static Deployment deployment(String name, Map<String, String> labels, int replicas) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace("default").withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("docker.io/mccutchen/go-httpbin:v2")
                .endContainer().endSpec().endTemplate()
                .endSpec().build();
    }

    @Test
    void aDeploymentIsCreatedAndThenMergedWithWhatOtherManagersApplied() {
        Deployment created = api.client().resource(deployment("applied", Map.of("app", "applied", "tier", "web"), 1))
                .serverSideApply();

        assertThat(created.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager,
                ManagedFieldsEntry::getOperation, ManagedFieldsEntry::getFieldsType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("fabric8", "Apply", "FieldsV1"));
        assertThat(created.getMetadata().getManagedFields().get(0).getApiVersion()).isEqualTo("apps/v1");
        assertThat(created.getMetadata().getManagedFields().get(0).getTime()).endsWith("Z");
        assertThat(created.getSpec().getRevisionHistoryLimit()).isEqualTo(10); // defaults as on a create

        Deployment other = new DeploymentBuilder().withNewMetadata().withName("applied").withNamespace("default")
                .addToLabels("owner", "team-b").endMetadata().build();
        api.client().resource(other).fieldManager("team-b").serverSideApply();
        Deployment reapplied = api.client().resource(deployment("applied", Map.of("app", "applied"), 3)).serverSideApply();

        assertThat(reapplied.getMetadata().getLabels()).containsOnly(Map.entry("app", "applied"),
                Map.entry("owner", "team-b"));
        assertThat(reapplied.getSpec().getReplicas()).isEqualTo(3);
        assertThat(reapplied.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager)
                .containsExactly("fabric8", "team-b");
    }

    @Test
    void gatewayListenersMergeByName() {
        api.client().resource(gateway(listener("http", 80, "HTTP"))).fieldManager("team-a").serverSideApply();
        api.client().resource(gateway(listener("https", 443, "HTTPS"))).fieldManager("team-b").serverSideApply();

        Gateway both = api.client().resources(Gateway.class).inNamespace("default").withName("shared").get();
        assertThat(both.getSpec().getListeners()).extracting(Listener::getName).containsExactly("http", "https");

        api.client().resource(gateway()).fieldManager("team-a").serverSideApply();
        Gateway left = api.client().resources(Gateway.class).inNamespace("default").withName("shared").get();
        assertThat(left.getSpec().getListeners()).extracting(Listener::getName).containsExactly("https");
        assertThat(left.getSpec().getGatewayClassName()).isEqualTo("istio"); // team-b applied it as well
    }

    @Test
    void aChangedFieldOfAnotherManagerConflictsUntilForced() {
        api.client().resource(configMap("contested", "one")).create();

        assertThatThrownBy(() -> api.client().resource(configMap("contested", "two")).fieldManager("applier")
                .serverSideApply())
                .isInstanceOfSatisfying(KubernetesClientException.class, conflict -> {
                    assertThat(conflict.getCode()).isEqualTo(409);
                    assertThat(conflict.getStatus().getMessage()).isEqualTo("Apply failed with 1 conflict: conflict"
                            + " with \"fabric8-kubernetes-client\" using v1: .data.key");
                    assertThat(conflict.getStatus().getDetails().getCauses()).singleElement()
                            .satisfies(cause -> assertThat(cause.getField()).isEqualTo(".data.key"));
                });
        assertThat(api.client().configMaps().inNamespace("default").withName("contested").get().getData())
                .containsEntry("key", "one");

        ConfigMap forced = api.client().resource(configMap("contested", "two")).fieldManager("applier").forceConflicts()
                .serverSideApply();

        assertThat(forced.getData()).containsEntry("key", "two");
        assertThat(forced.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager)
                .containsExactly("applier"); // the creator held nothing else
    }

    @Test
    void aStatusAppliedToTheStatusSubresourceIsMergedAndRecordedAsSuch() {
        api.client().resource(new GatewayBuilder(gateway(listener("http", 80, "HTTP"))).editMetadata().withName("reported")
                .endMetadata().build()).create();
        Gateway reported = new GatewayBuilder().withNewMetadata().withName("reported").withNamespace("default")
                .endMetadata().withNewStatus()
                .addToConditions(condition("Accepted", "True"), condition("Programmed", "False"))
                .endStatus().build();
        PatchContext statusApply = new PatchContext.Builder().withPatchType(PatchType.SERVER_SIDE_APPLY)
                .withFieldManager("gateway-controller").build();

        api.client().resource(reported).subresource("status").patch(statusApply, reported);
        reported.getStatus().getConditions().remove(1);
        Gateway live = api.client().resource(reported).subresource("status").patch(statusApply, reported);

        assertThat(live.getStatus().getConditions()).extracting("type").containsExactly("Accepted");
        assertThat(live.getSpec().getListeners()).extracting(Listener::getName).containsExactly("http");
        assertThat(live.getMetadata().getManagedFields())
                .filteredOn(entry -> "gateway-controller".equals(entry.getManager())).singleElement()
                .satisfies(entry -> {
                    assertThat(entry.getOperation()).isEqualTo("Apply");
                    assertThat(entry.getSubresource()).isEqualTo("status");
                });
    }

    @Test
    void anApplyWithoutFieldManagerIsRefusedAsARealServerRefusesIt() {
        MockResponse response = new ApiRequestDispatcher(Map.of("gitVersion", "v1.32.0")).dispatch(new RecordedRequest(
                "HTTP/1.1", HttpMethod.PATCH, "/api/v1/namespaces/default/configmaps/c",
                Headers.builder().add("Content-Type", "application/apply-patch+yaml").build(),
                new Buffer().writeUtf8("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}")));

        assertThat(response.code()).isEqualTo(422);
        assertThat(ApiJson.text(response.getBody())).contains(
                "PatchOptions.meta.k8s.io \\\"\\\" is invalid: fieldManager: Required value: is required for apply patch");
    }

    private static Condition condition(String type, String status) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(type).withMessage(type)
                .withLastTransitionTime("2026-01-01T00:00:00Z").withObservedGeneration(1L).build();
    }

    private static ConfigMap configMap(String name, String value) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .addToData("key", value).build();
    }

    private static Listener listener(String name, int port, String protocol) {
        return new ListenerBuilder().withName(name).withPort(port).withProtocol(protocol).build();
    }

    private static Gateway gateway(Listener... listeners) {
        return new GatewayBuilder().withNewMetadata().withName("shared").withNamespace("default").endMetadata()
                .withNewSpec().withGatewayClassName("istio").withListeners(List.of(listeners)).endSpec().build();
    }
}

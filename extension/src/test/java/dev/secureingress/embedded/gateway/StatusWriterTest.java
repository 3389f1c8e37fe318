package dev.secureingress.embedded.gateway;

import dev.secureingress.embedded.api.EmbeddedApiServer;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link StatusWriter} with cached objects older than the stored ones, which the API server refuses (409). */
class StatusWriterTest {

    @AutoClose
    private static final EmbeddedApiServer api = EmbeddedApiServer.start();
    private static final KubernetesClient client = api.client();

    @Test
    void aStatusOverAnOutdatedCachedObjectIsWrittenOverTheLatestVersion() {
        Gateway cached = gateway();
        client.resource(new GatewayBuilder(cached).withStatus(status("Accepted")).build()).updateStatus();

        new StatusWriter(client).write(cached, Gateway::getStatus, status("Programmed"), StatusWriterTest::withStatus);

        assertThat(client.resource(cached).get().getStatus()).isEqualTo(status("Programmed"));
    }

    @Test
    void nothingIsWrittenWhenTheLatestVersionAlreadyHasTheStatus() {
        Gateway cached = gateway();
        Gateway latest = client.resource(new GatewayBuilder(cached).withStatus(status("Programmed")).build())
                .updateStatus();

        Gateway writtenOver = StatusWriter.writeOverLatest(client, cached, Gateway::getStatus, status("Programmed"),
                StatusWriterTest::withStatus);

        assertThat(writtenOver).isNull();
        assertThat(client.resource(cached).get().getMetadata().getResourceVersion())
                .isEqualTo(latest.getMetadata().getResourceVersion());
    }

    private static Gateway gateway() {
        return client.resource(new GatewayBuilder()
                .withNewMetadata().withName("sw-" + UUID.randomUUID().toString().substring(0, 8))
                .withNamespace("default").endMetadata()
                .withNewSpec().withGatewayClassName("istio").addNewListener().withName("http").withPort(80)
                .withProtocol("HTTP").endListener().endSpec()
                .build()).create();
    }

    private static Gateway withStatus(Gateway gateway, GatewayStatus status) {
        return new GatewayBuilder(gateway).withStatus(status).build();
    }

    private static GatewayStatus status(String condition) {
        return new GatewayStatusBuilder().addToConditions(new ConditionBuilder().withType(condition).withStatus("True")
                .withReason(condition).withMessage("set by the test").withObservedGeneration(1L)
                .withLastTransitionTime("2026-01-01T00:00:00Z").build()).build();
    }
}

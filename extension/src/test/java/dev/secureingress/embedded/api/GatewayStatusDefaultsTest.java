package dev.secureingress.embedded.api;

import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.cluster.ConditionReport;
import dev.secureingress.cluster.WaitTimeoutException;
import dev.secureingress.ingress.IngressReadiness;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Gateway API CRDs' status defaults on the embedded API server, with no controller running: a Gateway reads back
 * (from the create, a get, a list, a watch; a status sent with the create is dropped, as kube-apiserver does) with {@code Accepted} and {@code Programmed} Unknown / Pending / "Waiting for
 * controller", the seeded GatewayClass with {@code Accepted} so; a controller's status write replaces them, a spec
 * update keeps the controller's status, an HTTPRoute has no status default, and a wait for a Gateway no controller
 * handles times out naming "Waiting for controller".
 */
class GatewayStatusDefaultsTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    @Test
    void aGatewayNoControllerHasHandledReadsBackWithThePendingConditions() {
        Gateway created = api.client().resource(gateway("pending")).create();
        Gateway read = api.client().resources(Gateway.class).inNamespace("default").withName("pending").get();
        Gateway listed = api.client().resources(Gateway.class).inNamespace("default").list().getItems().stream()
                .filter(gateway -> gateway.getMetadata().getName().equals("pending")).findFirst().orElseThrow();

        for (Gateway answered : List.of(created, read, listed)) {
            assertThat(answered.getStatus().getConditions()).containsExactly(pending("Accepted"), pending("Programmed"));
            assertThat(answered.getStatus().getListeners()).isEmpty();
        }
    }

    @Test
    void aStatusSentWithTheCreateIsReplacedByThePendingConditions() {
        Gateway claimingProgrammed = new GatewayBuilder(gateway("claims-programmed"))
                .withStatus(new GatewayStatusBuilder().withConditions(handled("Programmed", 1L)).build()).build();

        Gateway created = api.client().resource(claimingProgrammed).create();

        assertThat(created.getStatus().getConditions()).containsExactly(pending("Accepted"), pending("Programmed"));
    }

    @Test
    void aWatchSeesTheCreatedGatewayWithThePendingConditions() throws Exception {
        CompletableFuture<Gateway> added = new CompletableFuture<>();
        try (Watch watch = api.client().resources(Gateway.class).inNamespace("default").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Gateway gateway) {
                if (action == Action.ADDED && gateway.getMetadata().getName().equals("watched")) {
                    added.complete(gateway);
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                added.completeExceptionally(cause);
            }
        })) {
            api.client().resource(gateway("watched")).create();

            assertThat(added.get(30, TimeUnit.SECONDS).getStatus().getConditions())
                    .containsExactly(pending("Accepted"), pending("Programmed"));
        }
    }

    @Test
    void theSeededGatewayClassIsPendingUntilItsControllerAcceptsIt() {
        GatewayClass istio = api.client().resources(GatewayClass.class).withName("istio").get();

        assertThat(istio.getStatus().getConditions()).containsExactly(pending("Accepted"));
    }

    @Test
    void aControllersStatusWriteReplacesThePendingConditionsAndASpecUpdateKeepsIt() {
        Gateway created = api.client().resource(gateway("handled")).create();
        List<Condition> handled = List.of(handled("Accepted", 1L), handled("Programmed", 1L));
        api.client().resource(new GatewayBuilder(created)
                .withStatus(new GatewayStatusBuilder().withConditions(handled).build()).build()).updateStatus();

        Gateway edited = api.client().resources(Gateway.class).inNamespace("default").withName("handled")
                .edit(gateway -> new GatewayBuilder(gateway).editSpec().editFirstListener().withPort(8080)
                        .endListener().endSpec().build());

        assertThat(edited.getMetadata().getGeneration()).isEqualTo(2L);
        assertThat(api.client().resource(edited).get().getStatus().getConditions()).isEqualTo(handled);
    }

    @Test
    void aStatusWrittenWithoutConditionsGetsThePendingOnes() {
        Gateway created = api.client().resource(gateway("addresses-only")).create();

        Gateway written = api.client().resource(new GatewayBuilder(created).withStatus(new GatewayStatusBuilder()
                .addNewAddress().withType("IPAddress").withValue("127.0.0.9").endAddress().build()).build())
                .updateStatus();

        assertThat(written.getStatus().getAddresses()).hasSize(1);
        assertThat(written.getStatus().getConditions()).containsExactly(pending("Accepted"), pending("Programmed"));
    }

    @Test
    void anHttpRouteHasNoStatusDefault() {
        HTTPRoute created = api.client().resource(new HTTPRouteBuilder()
                .withNewMetadata().withName("no-status").withNamespace("default").endMetadata()
                .withNewSpec().addNewParentRef().withName("pending").endParentRef().endSpec().build()).create();

        assertThat(created.getStatus()).isNull();
        assertThat(api.client().resource(created).get().getStatus()).isNull();
    }

    @Test
    void aWaitForAGatewayNoControllerHandlesTimesOutNamingWaitingForController() {
        Gateway created = api.client().resource(gateway("unhandled")).create();

        assertThatThrownBy(() -> BoundedWait.<Gateway>forState("Gateway default/unhandled to be Programmed")
                .atMost(Duration.ofMillis(500))
                .describedBy(ConditionReport::of)
                .untilWatched(api.client().resource(created), ConditionReport.hasCondition("Programmed", "True")))
                .isInstanceOf(WaitTimeoutException.class)
                .hasMessageContaining("Programmed=Unknown (Pending: Waiting for controller)")
                .hasMessageContaining("no controller has handled it yet: is a controller for its class running?");
    }

    @Test
    void ingressReadinessTimesOutOnAGatewayNoControllerHandlesNamingWaitingForController() {
        api.client().resource(gateway("never-ready")).create();

        assertThatThrownBy(() -> new IngressReadiness(api.client(), Duration.ofMillis(500))
                .awaitGateway("default", "never-ready"))
                .isInstanceOf(WaitTimeoutException.class)
                .hasMessageContaining("waiting for Gateway default/never-ready to be Accepted and Programmed")
                .hasMessageContaining("Accepted=Unknown (Pending: Waiting for controller)")
                .hasMessageContaining("Programmed=Unknown (Pending: Waiting for controller)")
                .hasMessageContaining("no controller has handled it yet");
    }

    private static Gateway gateway(String name) {
        return new GatewayBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withGatewayClassName("nobody-handles-this")
                .addNewListener().withName("http").withPort(80).withProtocol("HTTP").endListener()
                .endSpec().build();
    }

    private static Condition pending(String type) {
        return new ConditionBuilder().withType(type).withStatus("Unknown").withReason("Pending")
                .withMessage("Waiting for controller").withLastTransitionTime("1970-01-01T00:00:00Z").build();
    }

    private static Condition handled(String type, long generation) {
        return new ConditionBuilder().withType(type).withStatus("True").withReason(type)
                .withMessage("handled").withObservedGeneration(generation)
                .withLastTransitionTime("2026-01-02T03:04:05Z").build();
    }
}

package dev.secureingress.ingress;

import dev.secureingress.cluster.WaitTimeoutException;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@EnableKubernetesMockClient(crud = true)
class IngressReadinessTest {

    static KubernetesClient client;

    private final IngressNames names = new IngressNames("si-ready", "gateway-r", "r");
    private final IngressPlan plan = new IngressPlan(names, List.of(
            HostSpec.host("httpbin.example.com").backend("httpbin:8000").build()));

    @Test
    void gatewayIsReadyOnlyWithTopLevelAndEveryListenerCondition() {
        Gateway gateway = withGeneration(plan.gateway(), 1L);
        assertThat(IngressReadiness.gatewayReady(gateway)).isFalse();

        gateway.setStatus(new io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusBuilder()
                .withConditions(condition("Accepted", "True", "Accepted", 1), condition("Programmed", "True", "Programmed", 1))
                .addNewListener().withName("https-httpbin-example-com").withAttachedRoutes(1)
                .withConditions(condition("Programmed", "True", "Programmed", 1),
                        condition("ResolvedRefs", "False", "InvalidCertificateRef", 1))
                .endListener()
                .build());
        assertThat(IngressReadiness.gatewayReady(gateway)).isFalse();

        gateway.getStatus().getListeners().get(0).getConditions().set(1, condition("ResolvedRefs", "True", "ResolvedRefs", 1));
        assertThat(IngressReadiness.gatewayReady(gateway)).isTrue();

        gateway.getMetadata().setGeneration(2L);
        assertThat(IngressReadiness.gatewayReady(gateway)).as("stale conditions").isFalse();
    }

    @Test
    void routeIsReadyWhenItsParentAcceptedItWithResolvedRefs() {
        HTTPRoute route = withGeneration(plan.routes().get(0), 1L);
        assertThat(IngressReadiness.routeReady(route)).isFalse();

        route.setStatus(new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatusBuilder()
                .addNewParent().withControllerName("istio.io/gateway-controller")
                .withNewParentRef().withName("gateway-r").withNamespace("si-ready").endParentRef()
                .withConditions(condition("Accepted", "True", "Accepted", 1),
                        condition("ResolvedRefs", "False", "BackendNotFound", 1))
                .endParent().build());
        assertThat(IngressReadiness.routeReady(route)).isFalse();

        route.getStatus().getParents().get(0).getConditions().set(1, condition("ResolvedRefs", "True", "ResolvedRefs", 1));
        assertThat(IngressReadiness.routeReady(route)).isTrue();
    }

    @Test
    void timeoutReportsTheConditionsReasonsAndMessagesLastSeen() {
        Gateway gateway = plan.gateway();
        gateway.setStatus(new io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusBuilder()
                .withConditions(condition("Accepted", "True", "Accepted", 1),
                        new ConditionBuilder(condition("Programmed", "False", "AddressNotAssigned", 1))
                                .withMessage("no address assigned yet").build())
                .build());
        client.resource(gateway).create();
        IngressReadiness readiness = new IngressReadiness(client, Duration.ofMillis(300));

        assertThatThrownBy(() -> readiness.awaitGateway("si-ready", "gateway-r"))
                .isInstanceOf(WaitTimeoutException.class)
                .hasMessageContaining("Gateway si-ready/gateway-r to be Accepted and Programmed")
                .hasMessageContaining("Programmed=False (AddressNotAssigned: no address assigned yet)");
        assertThatThrownBy(() -> readiness.awaitRoute("si-ready", "missing"))
                .isInstanceOf(WaitTimeoutException.class)
                .hasMessageContaining("HTTPRoute si-ready/missing")
                .hasMessageContaining("not found");
    }

    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T withGeneration(T resource, long generation) {
        resource.getMetadata().setGeneration(generation);
        return resource;
    }

    private static Condition condition(String type, String status, String reason, long generation) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage("")
                .withObservedGeneration(generation).withLastTransitionTime("2026-01-01T00:00:00Z").build();
    }
}

package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What fabric8 sees of the Gateway API CRDs' constraints and defaults over HTTPS: a value they refuse is a 422 whose
 * message names the field, and the object a create answers, and the one read back, carry the defaults.
 */
class Fabric8GatewayApiSchemaTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    @Test
    void aListenerPortAbove65535IsA422() {
        Gateway gateway = new GatewayBuilder()
                .withNewMetadata().withName("high-port").withNamespace("default").endMetadata()
                .withNewSpec().withGatewayClassName("istio")
                .addNewListener().withName("http").withPort(70000).withProtocol("HTTP").endListener()
                .endSpec().build();

        assertThatThrownBy(() -> api.client().resource(gateway).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, refused -> assertThat(refused.getCode()).isEqualTo(422))
                .hasMessageContaining("spec.listeners[0].port: Invalid value: 70000: spec.listeners[0].port in body "
                        + "should be less than or equal to 65535");
    }

    @Test
    void aCreatedRouteAndTheOneReadBackCarryTheDefaults() {
        HTTPRoute route = new HTTPRouteBuilder()
                .withNewMetadata().withName("defaulted").withNamespace("default").endMetadata()
                .withNewSpec().addNewParentRef().withName("mygateway").endParentRef()
                .addNewRule().addNewBackendRef().withName("httpbin").withPort(8000).endBackendRef().endRule()
                .endSpec().build();

        HTTPRoute created = api.client().resource(route).create();
        HTTPRoute read = api.client().resources(HTTPRoute.class).inNamespace("default").withName("defaulted").get();

        for (HTTPRoute answered : new HTTPRoute[] {created, read}) {
            assertThat(answered.getSpec().getParentRefs().get(0).getKind()).isEqualTo("Gateway");
            assertThat(answered.getSpec().getParentRefs().get(0).getGroup()).isEqualTo("gateway.networking.k8s.io");
            HTTPRouteMatch match = answered.getSpec().getRules().get(0).getMatches().get(0);
            assertThat(match.getPath().getType()).isEqualTo("PathPrefix");
            assertThat(match.getPath().getValue()).isEqualTo("/");
            HTTPBackendRef backend = answered.getSpec().getRules().get(0).getBackendRefs().get(0);
            assertThat(backend.getGroup()).isEmpty();
            assertThat(backend.getKind()).isEqualTo("Service");
            assertThat(backend.getWeight()).isEqualTo(1);
        }
    }
}

package dev.secureingress.embedded.gateway;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The listener checks on a Gateway no API server checked: two listeners alike in port, protocol and hostname, which
 * the Gateway CRD's CEL rule refuses on a write, conflict if such a Gateway reaches the controller all the same.
 */
class ListenerValidationTest {

    @Test
    void listenersAlikeInPortProtocolAndHostnameAreAHostnameConflict() {
        Gateway gateway = new GatewayBuilder().withNewMetadata().withName("gw").withNamespace("default").endMetadata()
                .withNewSpec().withGatewayClassName("istio")
                .addNewListener().withName("one").withPort(80).withProtocol("HTTP").withHostname("same.example.com")
                .endListener()
                .addNewListener().withName("two").withPort(80).withProtocol("HTTP").withHostname("same.example.com")
                .endListener()
                .addNewListener().withName("other").withPort(80).withProtocol("HTTP").withHostname("other.example.com")
                .endListener()
                .endSpec().build();

        List<ListenerState> states = new ListenerValidation(null).validate(gateway);

        assertThat(states).extracting(state -> state.name() + " " + state.conflicted.reason() + " "
                + state.accepted.status()).containsExactly("one HostnameConflict false", "two HostnameConflict false",
                "other NoConflicts true");
        assertThat(states.get(0).conflicted.message()).isEqualTo("Listeners [two] use the same port 80 and hostname "
                + "same.example.com: give each listener on a port its own hostname");
    }
}

package dev.secureingress.embedded.gateway;

import dev.secureingress.embedded.dataplane.GatewayProgram;
import dev.secureingress.embedded.dataplane.ListenerProgram;
import dev.secureingress.embedded.dataplane.RouteProgram;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.SecretLayout;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;

import static dev.secureingress.embedded.gateway.ControllerHarness.condition;
import static dev.secureingress.embedded.gateway.ControllerHarness.gateway;
import static dev.secureingress.embedded.gateway.ControllerHarness.gatewayCondition;
import static dev.secureingress.embedded.gateway.ControllerHarness.listener;
import static dev.secureingress.embedded.gateway.ControllerHarness.listenerCondition;
import static dev.secureingress.embedded.gateway.ControllerHarness.parent;
import static dev.secureingress.embedded.gateway.ControllerHarness.parentCondition;
import static dev.secureingress.embedded.gateway.ControllerHarness.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The seed's flow through the controller: statuses, the data-plane program and the {@code <gateway>-istio} Service. */
class GatewayControllerTest {

    private static ControllerHarness harness;

    @BeforeAll
    static void start() {
        harness = new ControllerHarness();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void acceptsTheIstioGatewayClass() {
        GatewayClass istio = io.fabric8.kubernetes.client.utils.Serialization.clone(
                dev.secureingress.cluster.BoundedWait.<GatewayClass>forState("GatewayClass istio Accepted")
                        .atMost(ControllerHarness.WAIT)
                        .until(() -> harness.client.resources(GatewayClass.class).withName("istio").get(),
                                gc -> gc.getStatus() != null && condition(gc.getStatus().getConditions(), "Accepted") != null
                                        && !"Unknown".equals(condition(gc.getStatus().getConditions(), "Accepted").getStatus())));
        assertThat(istio.getStatus().getConditions()).extracting(Condition::getType).containsExactly("Accepted");
        Condition accepted = condition(istio.getStatus().getConditions(), "Accepted");
        assertThat(accepted.getStatus()).isEqualTo("True");
        assertThat(accepted.getReason()).isEqualTo("Accepted");
        assertThat(accepted.getObservedGeneration()).isEqualTo(istio.getMetadata().getGeneration());
        assertThat(accepted.getLastTransitionTime()).as("the CRD's Pending default is replaced")
                .isNotEqualTo("1970-01-01T00:00:00Z");
    }

    @Test
    void replacesThePendingConditionsOfItsOwnGatewaysAndLeavesOtherClassesPending() {
        String ns = harness.namespace("pending");
        harness.create(gateway(ns, "other-class").editSpec().withGatewayClassName("another-controllers-class")
                .addNewListener().withName("http").withPort(80).withProtocol("HTTP").endListener().endSpec().build());
        harness.create(gateway(ns, "istio-class").editSpec()
                .addNewListener().withName("http").withPort(80).withProtocol("HTTP").endListener().endSpec().build());

        Gateway handled = harness.awaitGateway(ns, "istio-class", "Programmed",
                gatewayCondition("Programmed", "True", "Programmed"));
        harness.awaitQuiet();

        assertThat(handled.getStatus().getConditions()).extracting(Condition::getType)
                .containsExactlyInAnyOrder("Accepted", "Programmed");
        for (Condition condition : handled.getStatus().getConditions()) {
            assertThat(condition.getStatus()).as(condition.getType()).isEqualTo("True");
            assertThat(condition.getObservedGeneration()).as(condition.getType()).isEqualTo(1L);
            assertThat(condition.getLastTransitionTime()).as(condition.getType()).isNotEqualTo("1970-01-01T00:00:00Z");
        }
        Gateway unhandled = harness.client.resources(Gateway.class).inNamespace(ns).withName("other-class").get();
        assertThat(unhandled.getStatus().getConditions())
                .extracting(Condition::getType, Condition::getStatus, Condition::getReason, Condition::getMessage)
                .containsExactly(
                        tuple("Accepted", "Unknown", "Pending", "Waiting for controller"),
                        tuple("Programmed", "Unknown", "Pending", "Waiting for controller"));
    }

    @Test
    void programsTheSeedGatewayAndReportsItsStatusPerSpec() {
        String gwNs = harness.namespace("istio-system");
        String appNs = harness.namespace("apps");
        Credential httpbin = harness.serverCredential("httpbin.example.com");
        harness.createSecrets(SecretLayout.TLS, gwNs, "httpbin-credential", httpbin, false);
        harness.create(new ServiceBuilder().withNewMetadata().withNamespace(appNs).withName("httpbin").endMetadata()
                .withNewSpec().addNewPort().withName("http").withPort(8000).withNewTargetPort(8080).endPort().endSpec().build());
        harness.create(new EndpointSliceBuilder().withNewMetadata().withNamespace(appNs).withName("httpbin-abc")
                .addToLabels("kubernetes.io/service-name", "httpbin").endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("http").withPort(8080).endPort()
                .addNewEndpoint().withAddresses("127.244.0.7").withNewConditions().withReady(true).endConditions().endEndpoint()
                .addNewEndpoint().withAddresses("127.244.0.8").withNewConditions().withReady(false).endConditions().endEndpoint()
                .build());
        harness.create(gateway(gwNs, "mygateway").editSpec()
                .addNewListener().withName("https").withHostname("httpbin.example.com").withPort(443).withProtocol("HTTPS")
                .withNewTls().withMode("Terminate").addNewCertificateRef().withName("httpbin-credential").endCertificateRef().endTls()
                .withNewAllowedRoutes().withNewNamespaces().withFrom("Selector").withNewSelector()
                .addToMatchLabels("kubernetes.io/metadata.name", appNs).endSelector().endNamespaces().endAllowedRoutes()
                .endListener().endSpec().build());
        harness.create(route(appNs, "httpbin").withNewSpec()
                .addNewParentRef().withName("mygateway").withNamespace(gwNs).endParentRef()
                .withHostnames("httpbin.example.com")
                .addNewRule()
                .addNewMatch().withNewPath().withType("PathPrefix").withValue("/status").endPath().endMatch()
                .addNewMatch().withNewPath().withType("PathPrefix").withValue("/delay").endPath().endMatch()
                .addNewBackendRef().withName("httpbin").withPort(8000).endBackendRef()
                .endRule().endSpec().build());

        Gateway gw = harness.awaitGateway(gwNs, "mygateway", "Programmed with one attached route",
                gatewayCondition("Programmed", "True", "Programmed")
                        .and(g -> listener(g, "https") != null && listener(g, "https").getAttachedRoutes() == 1));

        String address = harness.dataPlane.address(gwNs, "mygateway").getHostAddress();
        assertThat(condition(gw.getStatus().getConditions(), "Accepted"))
                .extracting(Condition::getStatus, Condition::getReason, Condition::getObservedGeneration)
                .containsExactly("True", "Accepted", 1L);
        assertThat(gw.getStatus().getAddresses()).singleElement()
                .satisfies(a -> {
                    assertThat(a.getType()).isEqualTo("IPAddress");
                    assertThat(a.getValue()).isEqualTo(address);
                });
        ListenerStatus https = listener(gw, "https");
        assertThat(https.getSupportedKinds()).singleElement().satisfies(k -> {
            assertThat(k.getGroup()).isEqualTo("gateway.networking.k8s.io");
            assertThat(k.getKind()).isEqualTo("HTTPRoute");
        });
        assertThat(https.getConditions())
                .extracting(Condition::getType, Condition::getStatus, Condition::getReason, Condition::getObservedGeneration)
                .containsExactlyInAnyOrder(
                        tuple("Accepted", "True", "Accepted", 1L),
                        tuple("Programmed", "True", "Programmed", 1L),
                        tuple("ResolvedRefs", "True", "ResolvedRefs", 1L),
                        tuple("Conflicted", "False", "NoConflicts", 1L));

        HTTPRoute route = harness.awaitRoute(appNs, "httpbin", "Accepted",
                parentCondition("mygateway", "Accepted", "True", "Accepted"));
        RouteParentStatus parent = parent(route, "mygateway");
        assertThat(parent.getControllerName()).isEqualTo("istio.io/gateway-controller");
        assertThat(parent.getParentRef().getGroup()).isEqualTo("gateway.networking.k8s.io");
        assertThat(parent.getParentRef().getKind()).isEqualTo("Gateway");
        assertThat(parent.getParentRef().getNamespace()).isEqualTo(gwNs);
        assertThat(condition(parent.getConditions(), "ResolvedRefs"))
                .extracting(Condition::getStatus, Condition::getReason, Condition::getObservedGeneration)
                .containsExactly("True", "ResolvedRefs", 1L);

        GatewayProgram program = harness.dataPlane.current(gwNs, "mygateway").orElseThrow();
        ListenerProgram listener = program.listeners().get(0);
        assertThat(listener.name()).isEqualTo("https");
        assertThat(listener.port()).isEqualTo(443);
        assertThat(listener.protocol()).isEqualTo(ListenerProgram.Protocol.HTTPS);
        assertThat(listener.hostname()).isEqualTo("httpbin.example.com");
        assertThat(listener.tls().certificates()).singleElement().satisfies(c -> {
            assertThat(c.chain()).isEqualTo(httpbin.chain());
            assertThat(c.privateKey()).isEqualTo(httpbin.privateKey());
        });
        RouteProgram routeProgram = listener.routes().get(0);
        assertThat(routeProgram.namespace()).isEqualTo(appNs);
        assertThat(routeProgram.hostnames()).containsExactly("httpbin.example.com");
        assertThat(routeProgram.rules()).singleElement().satisfies(rule -> {
            assertThat(rule.matches()).hasSize(2);
            assertThat(rule.backends()).singleElement().satisfies(b -> {
                assertThat(b.name()).isEqualTo(appNs + "/httpbin:8000");
                assertThat(b.resolved()).isTrue();
                assertThat(b.weight()).isEqualTo(1);
                // only the ready endpoint, on the endpoint's (target) port
                assertThat(b.endpoints()).containsExactly(new InetSocketAddress("127.244.0.7", 8080));
            });
        });

        Service service = harness.client.services().inNamespace(gwNs).withName("mygateway-istio").get();
        assertThat(service.getMetadata().getLabels()).containsEntry("gateway.networking.k8s.io/gateway-name", "mygateway");
        assertThat(service.getMetadata().getOwnerReferences()).singleElement().satisfies(o -> {
            assertThat(o.getKind()).isEqualTo("Gateway");
            assertThat(o.getName()).isEqualTo("mygateway");
            assertThat(o.getUid()).isEqualTo(gw.getMetadata().getUid());
        });
        assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(443);
            assertThat(p.getNodePort()).isEqualTo(443 + RecordingDataPlane.PORT_OFFSET);
        });
        assertThat(service.getStatus().getLoadBalancer().getIngress()).singleElement()
                .satisfies(i -> assertThat(i.getIp()).isEqualTo(address));
    }

    @Test
    void deletingTheGatewayRemovesItFromTheDataPlaneAndDeletesItsService() {
        String ns = harness.namespace("deleted");
        harness.create(gateway(ns, "gone").editSpec()
                .addNewListener().withName("http").withPort(80).withProtocol("HTTP").endListener().endSpec().build());
        harness.awaitGateway(ns, "gone", "Programmed", gatewayCondition("Programmed", "True", "Programmed"));
        dev.secureingress.cluster.BoundedWait.<Service>forState("Service gone-istio").atMost(ControllerHarness.WAIT)
                .until(() -> harness.client.services().inNamespace(ns).withName("gone-istio").get(), s -> true);

        harness.client.resources(Gateway.class).inNamespace(ns).withName("gone").delete();

        dev.secureingress.cluster.BoundedWait.<Boolean>forState("Gateway gone removed from the data plane")
                .atMost(ControllerHarness.WAIT)
                .until(() -> harness.dataPlane.wasRemoved(ns, "gone")
                        && harness.client.services().inNamespace(ns).withName("gone-istio").get() == null, done -> done);
        assertThat(harness.dataPlane.current(ns, "gone")).isEmpty();
    }

    @Test
    void aGatewayDeletedAndCreatedAgainBetweenTwoPassesGetsNewListeners() throws InterruptedException {
        String ns = harness.namespace("recreated");
        Gateway original = gateway(ns, "gw").editSpec()
                .addNewListener().withName("http").withPort(80).withProtocol("HTTP").endListener().endSpec().build();
        harness.create(original);
        harness.awaitGateway(ns, "gw", "Programmed", gatewayCondition("Programmed", "True", "Programmed"));
        String firstUid = harness.client.resources(Gateway.class).inNamespace(ns).withName("gw").get()
                .getMetadata().getUid();

        // the controller's next pass waits inside the data plane while the Gateway is deleted and created again
        java.util.concurrent.CountDownLatch pass = harness.dataPlane.holdNextProgram();
        harness.create(gateway(ns, "other").editSpec()
                .addNewListener().withName("http").withPort(81).withProtocol("HTTP").endListener().endSpec().build());
        harness.client.resources(Gateway.class).inNamespace(ns).withName("gw").delete();
        dev.secureingress.cluster.BoundedWait.<Boolean>forState("Gateway gw deleted").atMost(ControllerHarness.WAIT)
                .until(() -> harness.client.resources(Gateway.class).inNamespace(ns).withName("gw").get() == null,
                        gone -> gone);
        harness.create(gateway(ns, "gw").editSpec()
                .addNewListener().withName("http").withPort(80).withProtocol("HTTP").endListener().endSpec().build());
        String secondUid = harness.client.resources(Gateway.class).inNamespace(ns).withName("gw").get()
                .getMetadata().getUid();
        assertThat(secondUid).isNotEqualTo(firstUid);
        Thread.sleep(300); // the informers take in the delete and the create while the pass waits
        pass.countDown();

        harness.awaitGateway(ns, "gw", "Programmed", gatewayCondition("Programmed", "True", "Programmed"));
        dev.secureingress.cluster.BoundedWait.<Boolean>forState("the first Gateway's listeners removed")
                .atMost(ControllerHarness.WAIT)
                .until(() -> harness.dataPlane.wasRemoved(ns, "gw") && harness.dataPlane.current(ns, "gw").isPresent(),
                        done -> done);
    }

    @Test
    void keepsLastTransitionTimeUntilAStatusChangesAndDoesNotRewriteAnUnchangedStatus() {
        String ns = harness.namespace("transitions");
        harness.create(gateway(ns, "gw").editSpec()
                .addNewListener().withName("http").withPort(80).withProtocol("HTTP")
                .withNewAllowedRoutes().withNewNamespaces().withFrom("Same").endNamespaces().endAllowedRoutes()
                .endListener().endSpec().build());
        Gateway first = harness.awaitGateway(ns, "gw", "Programmed", gatewayCondition("Programmed", "True", "Programmed"));
        String programmedSince = condition(first.getStatus().getConditions(), "Programmed").getLastTransitionTime();

        harness.clock.advance(Duration.ofHours(1));
        harness.create(route(ns, "r").withNewSpec().addNewParentRef().withName("gw").endParentRef()
                .addNewRule().endRule().endSpec().build());
        Gateway withRoute = harness.awaitGateway(ns, "gw", "with one attached route",
                g -> listener(g, "http") != null && listener(g, "http").getAttachedRoutes() == 1);
        assertThat(condition(withRoute.getStatus().getConditions(), "Programmed").getLastTransitionTime())
                .as("Programmed stayed True, so its lastTransitionTime stays").isEqualTo(programmedSince);

        harness.awaitQuiet();
        String version = harness.client.resources(Gateway.class).inNamespace(ns).withName("gw").get()
                .getMetadata().getResourceVersion();
        harness.awaitQuiet();
        assertThat(harness.client.resources(Gateway.class).inNamespace(ns).withName("gw").get()
                .getMetadata().getResourceVersion()).as("an unchanged status is not written again").isEqualTo(version);

        // a status that flips gets a new transition time and the new generation
        harness.client.resources(Gateway.class).inNamespace(ns).withName("gw").edit(g -> {
            g.getSpec().getListeners().get(0).setProtocol("TCP");
            return g;
        });
        Gateway invalid = harness.awaitGateway(ns, "gw", "with listener http not Accepted",
                listenerCondition("http", "Accepted", "False", "UnsupportedProtocol"));
        assertThat(invalid.getMetadata().getGeneration()).isEqualTo(2L);
        Condition accepted = condition(invalid.getStatus().getConditions(), "Accepted");
        assertThat(accepted.getStatus()).isEqualTo("False");
        assertThat(accepted.getReason()).isEqualTo("ListenersNotValid");
        assertThat(accepted.getLastTransitionTime()).isEqualTo("2026-01-01T01:00:00Z");
        assertThat(accepted.getObservedGeneration()).isEqualTo(2L);
        assertThat(listener(invalid, "http").getSupportedKinds()).isEmpty();
    }

    @Test
    void aPortThatCannotBeBoundIsPortUnavailableAndTheOtherListenersAreServed() {
        String ns = harness.namespace("ports");
        harness.dataPlane.refusePort(7443);
        harness.create(gateway(ns, "gw").editSpec()
                .addNewListener().withName("taken").withPort(7443).withProtocol("HTTP").endListener()
                .addNewListener().withName("free").withPort(7080).withProtocol("HTTP").endListener().endSpec().build());
        Gateway gw = harness.awaitGateway(ns, "gw", "listener taken PortUnavailable",
                listenerCondition("taken", "Accepted", "False", "PortUnavailable")
                        .and(listenerCondition("free", "Programmed", "True", "Programmed")));
        assertThat(condition(listener(gw, "taken").getConditions(), "Accepted").getMessage())
                .contains("7443").contains("Address already in use");
        assertThat(condition(listener(gw, "taken").getConditions(), "Programmed").getStatus()).isEqualTo("False");
        assertThat(gw).matches(gatewayCondition("Accepted", "True", "ListenersNotValid"));
        assertThat(gw).matches(gatewayCondition("Programmed", "True", "Programmed"));
        Service service = harness.client.services().inNamespace(ns).withName("gw-istio").get();
        assertThat(service.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(7080);
    }
}

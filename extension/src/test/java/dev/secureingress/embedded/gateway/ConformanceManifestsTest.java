package dev.secureingress.embedded.gateway;

import dev.secureingress.embedded.dataplane.ListenerProgram;
import dev.secureingress.embedded.dataplane.RouteProgram;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static dev.secureingress.embedded.gateway.ControllerHarness.condition;
import static dev.secureingress.embedded.gateway.ControllerHarness.gatewayCondition;
import static dev.secureingress.embedded.gateway.ControllerHarness.listener;
import static dev.secureingress.embedded.gateway.ControllerHarness.listenerCondition;
import static dev.secureingress.embedded.gateway.ControllerHarness.parent;
import static dev.secureingress.embedded.gateway.ControllerHarness.parentCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The Gateway API conformance suite's manifests ({@link ConformanceManifests}) with the statuses the spec
 * implies; skipped, with the reason, where the manifests are absent.
 */
class ConformanceManifestsTest {

    private static final String INFRA = ConformanceManifests.INFRA;

    private static ControllerHarness harness;

    @BeforeAll
    static void applyManifests() throws IOException {
        if (ConformanceManifests.missing().isPresent()) {
            return;
        }
        harness = new ControllerHarness();
        ConformanceManifests.applyAll(harness.client,
                harness.serverCredential(ConformanceManifests.HOSTNAMES.toArray(String[]::new)));
    }

    @BeforeEach
    void requireManifests() {
        String missing = ConformanceManifests.missing().orElse(null);
        assumeThat(missing).as(missing).isNull();
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void baseGatewaysAreAcceptedAndProgrammedWithEveryListenerReady() {
        for (String name : List.of("same-namespace", "all-namespaces", "backend-namespaces",
                "same-namespace-with-https-listener")) {
            Gateway gw = harness.awaitGateway(INFRA, name, "Accepted and Programmed",
                    gatewayCondition("Accepted", "True", "Accepted").and(gatewayCondition("Programmed", "True", "Programmed")));
            assertThat(gw.getStatus().getAddresses()).as(name).singleElement()
                    .satisfies(a -> assertThat(a.getValue()).isEqualTo(harness.dataPlane.address(INFRA, name).getHostAddress()));
            for (ListenerStatus l : gw.getStatus().getListeners()) {
                assertThat(l.getConditions()).as(name + " listener " + l.getName())
                        .extracting(Condition::getType, Condition::getStatus)
                        .contains(org.assertj.core.groups.Tuple.tuple("Accepted", "True"),
                                org.assertj.core.groups.Tuple.tuple("Programmed", "True"),
                                org.assertj.core.groups.Tuple.tuple("ResolvedRefs", "True"),
                                org.assertj.core.groups.Tuple.tuple("Conflicted", "False"));
                assertThat(l.getSupportedKinds()).extracting(k -> k.getKind()).containsExactly("HTTPRoute");
            }
        }
    }

    @Test
    void sameNamespaceRoutesAttachToTheHttpListener() {
        for (String route : List.of("gateway-conformance-infra-test", "exact-matching", "matching")) {
            HTTPRoute r = harness.awaitRoute(INFRA, route, "Accepted with resolved refs",
                    parentCondition("same-namespace", "Accepted", "True", "Accepted")
                            .and(parentCondition("same-namespace", "ResolvedRefs", "True", "ResolvedRefs")));
            assertThat(parent(r, "same-namespace").getControllerName()).isEqualTo(GatewayController.CONTROLLER_NAME);
            assertThat(parent(r, "same-namespace").getParentRef().getKind()).isEqualTo("Gateway");
        }
        harness.awaitGateway(INFRA, "same-namespace", "with three attached routes",
                g -> listener(g, "http") != null && listener(g, "http").getAttachedRoutes() == 3);
        List<RouteProgram> routes = harness.dataPlane.current(INFRA, "same-namespace").orElseThrow().listeners().get(0).routes();
        RouteProgram exact = routes.stream().filter(r -> r.name().equals("exact-matching")).findFirst().orElseThrow();
        assertThat(exact.rules()).extracting(rule -> rule.matches().get(0).getPath().getValue()).containsExactly("/one", "/two");
        assertThat(exact.rules()).extracting(rule -> rule.backends().get(0).name())
                .containsExactly(INFRA + "/infra-backend-v1:8080", INFRA + "/infra-backend-v2:8080");
    }

    @Test
    void httpsRoutesAttachByHostnameAndSectionName() {
        harness.awaitRoute(INFRA, "httproute-https-test", "Accepted",
                parentCondition("same-namespace-with-https-listener", "Accepted", "True", "Accepted"));
        harness.awaitRoute(INFRA, "httproute-https-test-no-hostname", "Accepted",
                parentCondition("same-namespace-with-https-listener", "Accepted", "True", "Accepted"));
        Gateway gw = harness.awaitGateway(INFRA, "same-namespace-with-https-listener", "with routes attached",
                g -> listener(g, "https") != null && listener(g, "https").getAttachedRoutes() == 1
                        && listener(g, "https-with-hostname").getAttachedRoutes() == 1);
        assertThat(listener(gw, "https-with-wildcard-hostname").getAttachedRoutes()).isZero();
        assertThat(listener(gw, "https-with-hostname-matching-wildcard").getAttachedRoutes()).isZero();
        for (String overlapping : List.of("https-with-wildcard-hostname", "https-with-hostname-matching-wildcard")) {
            assertThat(condition(listener(gw, overlapping).getConditions(), "OverlappingTLSConfig"))
                    .as(overlapping).extracting(Condition::getStatus, Condition::getReason)
                    .containsExactly("True", "OverlappingHostnames");
        }
        assertThat(condition(listener(gw, "https-with-hostname").getConditions(), "OverlappingTLSConfig")).isNull();

        List<ListenerProgram> listeners = harness.dataPlane.current(INFRA, "same-namespace-with-https-listener")
                .orElseThrow().listeners();
        assertThat(listeners).extracting(ListenerProgram::name).containsExactly("https", "https-with-hostname",
                "https-with-wildcard-hostname", "https-with-hostname-matching-wildcard");
        assertThat(listeners.get(0).routes()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("httproute-https-test");
            assertThat(r.hostnames()).containsExactly("example.org");
        });
        assertThat(listeners.get(1).routes()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("httproute-https-test-no-hostname");
            assertThat(r.hostnames()).as("takes second-example.org from the listener").isEmpty();
        });
    }

    @Test
    void invalidCertificateRefsLeaveTheListenerUnresolved() {
        for (String name : List.of("gateway-certificate-nonexistent-secret", "gateway-certificate-unsupported-group",
                "gateway-certificate-unsupported-kind", "gateway-certificate-malformed-secret")) {
            Gateway gw = harness.awaitGateway(INFRA, name, "listener https InvalidCertificateRef",
                    listenerCondition("https", "ResolvedRefs", "False", "InvalidCertificateRef"));
            ListenerStatus https = listener(gw, "https");
            assertThat(https.getAttachedRoutes()).as(name).isZero();
            assertThat(https.getSupportedKinds()).as(name).extracting(k -> k.getGroup() + "/" + k.getKind())
                    .containsExactly("gateway.networking.k8s.io/HTTPRoute");
            assertThat(condition(https.getConditions(), "Programmed").getStatus()).as(name).isEqualTo("False");
            assertThat(harness.dataPlane.current(INFRA, name).orElseThrow().listeners()).as(name).isEmpty();
        }
    }
}

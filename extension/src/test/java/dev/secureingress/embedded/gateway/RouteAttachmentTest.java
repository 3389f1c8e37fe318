package dev.secureingress.embedded.gateway;

import dev.secureingress.embedded.dataplane.ListenerProgram;
import dev.secureingress.embedded.dataplane.RouteProgram;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrantBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.secureingress.embedded.gateway.ControllerHarness.condition;
import static dev.secureingress.embedded.gateway.ControllerHarness.gateway;
import static dev.secureingress.embedded.gateway.ControllerHarness.gatewayCondition;
import static dev.secureingress.embedded.gateway.ControllerHarness.listener;
import static dev.secureingress.embedded.gateway.ControllerHarness.listenerCondition;
import static dev.secureingress.embedded.gateway.ControllerHarness.parent;
import static dev.secureingress.embedded.gateway.ControllerHarness.parentCondition;
import static dev.secureingress.embedded.gateway.ControllerHarness.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** Route attachment and route status: every reason the spec defines for what the embedded gateway supports. */
class RouteAttachmentTest {

    private static ControllerHarness harness;

    @BeforeAll
    static void start() {
        harness = new ControllerHarness();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private static ListenerBuilder http(String name, int port, String hostname, String from) {
        return new ListenerBuilder().withName(name).withPort(port).withProtocol("HTTP").withHostname(hostname)
                .withNewAllowedRoutes().withNewNamespaces().withFrom(from).endNamespaces().endAllowedRoutes();
    }

    private static void service(String ns, String name, int port) {
        harness.create(new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().addNewPort().withPort(port).withNewTargetPort(8080).endPort().endSpec().build());
    }

    private static HTTPRoute awaitParent(String ns, String route, String gateway, String type, String status, String reason) {
        return harness.awaitRoute(ns, route, "parent " + gateway + " " + type + "=" + status + "/" + reason,
                parentCondition(gateway, type, status, reason));
    }

    private static String message(HTTPRoute route, String gateway, String type) {
        return condition(parent(route, gateway).getConditions(), type).getMessage();
    }

    private static List<RouteProgram> routesOn(String ns, String gateway, String listener) {
        return harness.dataPlane.current(ns, gateway).orElseThrow().listeners().stream()
                .filter(l -> l.name().equals(listener)).findFirst().map(ListenerProgram::routes).orElseThrow();
    }

    @Test
    void allowedRoutesFromSameAllAndSelector() {
        String gwNs = harness.namespace("gw");
        String labelled = harness.namespace("labelled", Map.of("team", "blue"));
        String other = harness.namespace("other");
        harness.create(gateway(gwNs, "gw").editSpec()
                .addToListeners(http("same", 8001, null, "Same").build())
                .addToListeners(http("all", 8002, null, "All").build())
                .addToListeners(new ListenerBuilder(http("selector", 8003, null, "Selector").build())
                        .editAllowedRoutes().editNamespaces().withNewSelector().addToMatchLabels("team", "blue")
                        .endSelector().endNamespaces().endAllowedRoutes().build())
                .endSpec().build());
        for (String ns : List.of(gwNs, labelled, other)) {
            harness.create(route(ns, "r").withNewSpec().addNewParentRef().withName("gw").withNamespace(gwNs).endParentRef()
                    .endSpec().build());
        }
        Gateway gw = harness.awaitGateway(gwNs, "gw", "with routes attached",
                g -> listener(g, "same") != null && listener(g, "same").getAttachedRoutes() == 1
                        && listener(g, "all").getAttachedRoutes() == 3 && listener(g, "selector").getAttachedRoutes() == 1);
        assertThat(gw).matches(gatewayCondition("Programmed", "True", "Programmed"));
        awaitParent(gwNs, "r", "gw", "Accepted", "True", "Accepted");
        awaitParent(labelled, "r", "gw", "Accepted", "True", "Accepted");
        awaitParent(other, "r", "gw", "Accepted", "True", "Accepted");
        assertThat(routesOn(gwNs, "gw", "selector")).extracting(RouteProgram::namespace).containsExactly(labelled);
        assertThat(routesOn(gwNs, "gw", "same")).extracting(RouteProgram::namespace).containsExactly(gwNs);
    }

    @Test
    void routeFromANamespaceNoListenerAllowsIsNotAllowedByListeners() {
        String gwNs = harness.namespace("gw");
        String other = harness.namespace("other");
        harness.create(gateway(gwNs, "gw").editSpec().addToListeners(http("http", 80, null, "Same").build()).endSpec().build());
        harness.create(route(other, "r").withNewSpec().addNewParentRef().withName("gw").withNamespace(gwNs).endParentRef()
                .endSpec().build());
        HTTPRoute route = awaitParent(other, "r", "gw", "Accepted", "False", "NotAllowedByListeners");
        assertThat(message(route, "gw", "Accepted")).contains(other);
        harness.awaitGateway(gwNs, "gw", "with no attached route",
                g -> listener(g, "http") != null && listener(g, "http").getAttachedRoutes() == 0);
    }

    @Test
    void hostnamesMustIntersectAndTheRouteServesTheIntersection() {
        String ns = harness.namespace("hostnames");
        harness.create(gateway(ns, "gw").editSpec()
                .addToListeners(http("wildcard", 80, "*.example.com", "Same").build())
                .addToListeners(http("exact", 80, "exact.example.org", "Same").build())
                .endSpec().build());
        harness.create(route(ns, "fits").withNewSpec().addNewParentRef().withName("gw").endParentRef()
                .withHostnames("foo.example.com", "example.com", "*.example.org").endSpec().build());
        harness.create(route(ns, "no-fit").withNewSpec().addNewParentRef().withName("gw").endParentRef()
                .withHostnames("foo.example.net").endSpec().build());
        harness.create(route(ns, "no-hostnames").withNewSpec().addNewParentRef().withName("gw").endParentRef()
                .endSpec().build());

        awaitParent(ns, "fits", "gw", "Accepted", "True", "Accepted");
        HTTPRoute noFit = awaitParent(ns, "no-fit", "gw", "Accepted", "False", "NoMatchingListenerHostname");
        assertThat(message(noFit, "gw", "Accepted")).contains("foo.example.net");
        awaitParent(ns, "no-hostnames", "gw", "Accepted", "True", "Accepted");
        harness.awaitGateway(ns, "gw", "with routes attached",
                g -> listener(g, "wildcard") != null && listener(g, "wildcard").getAttachedRoutes() == 2
                        && listener(g, "exact").getAttachedRoutes() == 2);
        assertThat(routesOn(ns, "gw", "wildcard")).filteredOn(r -> r.name().equals("fits"))
                .singleElement().satisfies(r -> assertThat(r.hostnames()).containsExactly("foo.example.com"));
        assertThat(routesOn(ns, "gw", "exact")).filteredOn(r -> r.name().equals("fits"))
                .singleElement().satisfies(r -> assertThat(r.hostnames()).containsExactly("exact.example.org"));
        assertThat(routesOn(ns, "gw", "exact")).filteredOn(r -> r.name().equals("no-hostnames"))
                .singleElement().satisfies(r -> assertThat(r.hostnames()).as("takes the listener's").isEmpty());
    }

    @Test
    void sectionNameAndPortSelectListenersElseNoMatchingParent() {
        String ns = harness.namespace("sections");
        harness.create(gateway(ns, "gw").editSpec()
                .addToListeners(http("a", 8080, null, "Same").build())
                .addToListeners(http("b", 8081, null, "Same").build())
                .endSpec().build());
        harness.create(route(ns, "to-b").withNewSpec().addNewParentRef().withName("gw").withSectionName("b").endParentRef()
                .endSpec().build());
        harness.create(route(ns, "to-port").withNewSpec().addNewParentRef().withName("gw").withPort(8080).endParentRef()
                .endSpec().build());
        harness.create(route(ns, "no-section").withNewSpec().addNewParentRef().withName("gw").withSectionName("c").endParentRef()
                .endSpec().build());
        harness.create(route(ns, "no-port").withNewSpec().addNewParentRef().withName("gw").withPort(9999).endParentRef()
                .endSpec().build());
        harness.create(route(ns, "no-gateway").withNewSpec().addNewParentRef().withName("missing").endParentRef()
                .endSpec().build());

        awaitParent(ns, "to-b", "gw", "Accepted", "True", "Accepted");
        awaitParent(ns, "to-port", "gw", "Accepted", "True", "Accepted");
        HTTPRoute noSection = awaitParent(ns, "no-section", "gw", "Accepted", "False", "NoMatchingParent");
        assertThat(parent(noSection, "gw").getParentRef().getSectionName()).isEqualTo("c");
        awaitParent(ns, "no-port", "gw", "Accepted", "False", "NoMatchingParent");
        HTTPRoute noGateway = awaitParent(ns, "no-gateway", "missing", "Accepted", "False", "NoMatchingParent");
        assertThat(message(noGateway, "missing", "Accepted")).contains(ns + "/missing").contains("does not exist");
        harness.awaitGateway(ns, "gw", "with one route per listener",
                g -> listener(g, "a") != null && listener(g, "a").getAttachedRoutes() == 1
                        && listener(g, "b").getAttachedRoutes() == 1);
    }

    @Test
    void backendRefsResolveOrSayWhyNot() {
        String ns = harness.namespace("backends");
        String other = harness.namespace("elsewhere");
        service(ns, "present", 8000);
        service(other, "remote", 8000);
        harness.create(gateway(ns, "gw").editSpec().addToListeners(http("http", 80, null, "Same").build()).endSpec().build());
        harness.create(route(ns, "missing").withNewSpec().addNewParentRef().withName("gw").endParentRef()
                .addNewRule().addNewBackendRef().withName("absent").withPort(8000).endBackendRef().endRule().endSpec().build());
        harness.create(route(ns, "wrong-port").withNewSpec().addNewParentRef().withName("gw").endParentRef()
                .addNewRule().addNewBackendRef().withName("present").withPort(9999).endBackendRef().endRule().endSpec().build());
        harness.create(route(ns, "cross").withNewSpec().addNewParentRef().withName("gw").endParentRef()
                .addNewRule().addNewBackendRef().withName("remote").withNamespace(other).withPort(8000).endBackendRef()
                .endRule().endSpec().build());
        harness.create(route(ns, "kind").withNewSpec().addNewParentRef().withName("gw").endParentRef()
                .addNewRule().addNewBackendRef().withGroup("example.com").withKind("Bucket").withName("b").endBackendRef()
                .endRule().endSpec().build());

        // unresolved backends do not stop attachment (before the controller has seen the Gateway, neither holds)
        HTTPRoute missing = harness.awaitRoute(ns, "missing", "parent gw ResolvedRefs=False/BackendNotFound, Accepted",
                parentCondition("gw", "ResolvedRefs", "False", "BackendNotFound")
                        .and(parentCondition("gw", "Accepted", "True", "Accepted")));
        assertThat(message(missing, "gw", "ResolvedRefs")).contains(ns + "/absent:8000");
        awaitParent(ns, "wrong-port", "gw", "ResolvedRefs", "False", "BackendNotFound");
        awaitParent(ns, "cross", "gw", "ResolvedRefs", "False", "RefNotPermitted");
        awaitParent(ns, "kind", "gw", "ResolvedRefs", "False", "InvalidKind");
        harness.awaitGateway(ns, "gw", "with four attached routes",
                g -> listener(g, "http") != null && listener(g, "http").getAttachedRoutes() == 4);
        RouteProgram.Backend unresolved = routesOn(ns, "gw", "http").stream().filter(r -> r.name().equals("missing"))
                .findFirst().orElseThrow().rules().get(0).backends().get(0);
        assertThat(unresolved.resolved()).isFalse();
        assertThat(unresolved.unresolvedReason()).isEqualTo("BackendNotFound");

        harness.create(new ReferenceGrantBuilder().withNewMetadata().withNamespace(other).withName("routes").endMetadata()
                .withNewSpec().addNewFrom().withGroup("gateway.networking.k8s.io").withKind("HTTPRoute").withNamespace(ns).endFrom()
                .addNewTo().withGroup("").withKind("Service").withName("remote").endTo().endSpec().build());
        awaitParent(ns, "cross", "gw", "ResolvedRefs", "True", "ResolvedRefs");

        service(ns, "absent", 8000);
        awaitParent(ns, "missing", "gw", "ResolvedRefs", "True", "ResolvedRefs");
    }

    @Test
    void compilesWeightsTimeoutsFiltersAndEndpointsFromEndpoints() {
        String ns = harness.namespace("compile");
        harness.create(new ServiceBuilder().withNewMetadata().withNamespace(ns).withName("named").endMetadata()
                .withNewSpec().addNewPort().withName("web").withPort(80).withNewTargetPort("http").endPort().endSpec().build());
        harness.create(new EndpointsBuilder().withNewMetadata().withNamespace(ns).withName("named").endMetadata()
                .addNewSubset().addNewAddress().withIp("127.244.1.1").endAddress()
                .addNewNotReadyAddress().withIp("127.244.1.2").endNotReadyAddress()
                .addNewPort().withName("web").withPort(5000).endPort().endSubset().build());
        service(ns, "second", 8000);
        harness.create(gateway(ns, "gw").editSpec().addToListeners(http("http", 80, null, "Same").build()).endSpec().build());
        harness.create(new HTTPRouteBuilder(route(ns, "weighted").withNewSpec().addNewParentRef().withName("gw").endParentRef()
                .addNewRule()
                .addNewMatch().withNewPath().withType("Exact").withValue("/hello").endPath().withMethod("GET").endMatch()
                .addNewFilter().withType("RequestHeaderModifier").withNewRequestHeaderModifier()
                .addNewSet().withName("x-test").withValue("1").endSet().endRequestHeaderModifier().endFilter()
                .addNewBackendRef().withName("named").withPort(80).withWeight(90).endBackendRef()
                .addNewBackendRef().withName("second").withPort(8000).withWeight(10).endBackendRef()
                .withNewTimeouts().withRequest("1m30s").endTimeouts()
                .endRule().endSpec().build()).build());

        awaitParent(ns, "weighted", "gw", "ResolvedRefs", "True", "ResolvedRefs");
        harness.awaitGateway(ns, "gw", "with the route attached", g -> listener(g, "http") != null
                && listener(g, "http").getAttachedRoutes() == 1);
        RouteProgram.Rule rule = routesOn(ns, "gw", "http").get(0).rules().get(0);
        assertThat(rule.requestTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(rule.matches()).singleElement().satisfies(m -> {
            assertThat(m.getPath().getValue()).isEqualTo("/hello");
            assertThat(m.getMethod()).isEqualTo("GET");
        });
        assertThat(rule.filters()).singleElement().satisfies(f -> assertThat(f.getType()).isEqualTo("RequestHeaderModifier"));
        assertThat(rule.backends()).extracting(RouteProgram.Backend::weight).containsExactly(90, 10);
        assertThat(rule.backends().get(0).endpoints()).containsExactly(new InetSocketAddress("127.244.1.1", 5000));
        assertThat(rule.backends().get(1).endpoints()).as("no endpoints yet: 503 from the data plane").isEmpty();
        assertThat(rule.backends().get(1).resolved()).isTrue();
    }

    @Test
    void anUnsupportedFilterIsNotAcceptedAndAnInvalidTimeoutNotStored() {
        String ns = harness.namespace("unsupported");
        harness.create(gateway(ns, "gw").editSpec().addToListeners(http("http", 80, null, "Same").build()).endSpec().build());
        harness.create(route(ns, "mirror").withNewSpec().addNewParentRef().withName("gw").endParentRef()
                .addNewRule().addNewFilter().withType("RequestMirror").withNewRequestMirror().withNewBackendRef()
                .withName("x").withPort(80).endBackendRef().endRequestMirror().endFilter().endRule().endSpec().build());
        // a timeout that is no Gateway API duration never reaches the controller: the CRD's pattern refuses it
        assertThatThrownBy(() -> harness.create(route(ns, "timeout").withNewSpec().addNewParentRef().withName("gw")
                .endParentRef().addNewRule().withNewTimeouts().withRequest("soon").endTimeouts().endRule().endSpec()
                .build())).isInstanceOf(KubernetesClientException.class).hasMessageContaining("spec.rules[0].timeouts.request");
        HTTPRoute mirror = awaitParent(ns, "mirror", "gw", "Accepted", "False", "UnsupportedValue");
        assertThat(message(mirror, "gw", "Accepted")).contains("RequestMirror");
        harness.awaitGateway(ns, "gw", "with no attached route",
                g -> listener(g, "http") != null && listener(g, "http").getAttachedRoutes() == 0);
    }

    @Test
    void conflictingListenersAreNotAcceptedAndUnsupportedKindsAreReported() {
        String ns = harness.namespace("conflicts");
        // listeners alike in port, protocol and hostname never reach the controller: the CRD's rule refuses them
        assertThatThrownBy(() -> harness.create(gateway(ns, "same").editSpec()
                .addToListeners(http("one", 80, "same.example.com", "Same").build())
                .addToListeners(http("two", 80, "same.example.com", "Same").build())
                .endSpec().build())).isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("Combination of port, protocol and hostname must be unique for each listener");
        harness.create(gateway(ns, "gw").editSpec()
                .addToListeners(http("plain", 8080, null, "Same").build())
                .addToListeners(new ListenerBuilder().withName("secure").withPort(8080).withProtocol("HTTPS")
                        .withHostname("s.example.com").withNewTls().addNewCertificateRef().withName("x").endCertificateRef()
                        .endTls().build())
                .addToListeners(new ListenerBuilder(http("kinds", 9090, null, "Same").build()).editAllowedRoutes()
                        .addNewKind().withKind("HTTPRoute").endKind().addNewKind().withKind("TCPRoute").endKind()
                        .endAllowedRoutes().build())
                .endSpec().build());
        Gateway gw = harness.awaitGateway(ns, "gw", "with conflicts reported",
                listenerCondition("plain", "Conflicted", "True", "ProtocolConflict")
                        .and(listenerCondition("secure", "Conflicted", "True", "ProtocolConflict"))
                        .and(listenerCondition("kinds", "ResolvedRefs", "False", "InvalidRouteKinds")));
        assertThat(condition(listener(gw, "plain").getConditions(), "Accepted").getStatus()).isEqualTo("False");
        assertThat(condition(listener(gw, "kinds").getConditions(), "Programmed").getStatus())
                .as("the supported kind is still served").isEqualTo("True");
        assertThat(listener(gw, "kinds").getSupportedKinds()).extracting(k -> k.getKind()).containsExactly("HTTPRoute");
        assertThat(gw).matches(gatewayCondition("Accepted", "True", "ListenersNotValid"));
        assertThat(condition(gw.getStatus().getConditions(), "Accepted").getMessage()).contains("plain", "secure");
        assertThat(harness.dataPlane.current(ns, "gw").orElseThrow().listeners())
                .extracting(ListenerProgram::name).containsExactly("kinds");
    }

    @Test
    void routeStatusKeepsOtherControllersParents() {
        String ns = harness.namespace("foreign");
        harness.create(new io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder().withNewMetadata()
                .withName("other-" + ns).endMetadata().withNewSpec().withControllerName("example.com/other").endSpec().build());
        harness.create(gateway(ns, "theirs").editSpec().withGatewayClassName("other-" + ns)
                .addToListeners(http("http", 80, null, "Same").build()).endSpec().build());
        harness.create(gateway(ns, "ours").editSpec().addToListeners(http("http", 80, null, "Same").build()).endSpec().build());
        harness.create(route(ns, "both").withNewSpec()
                .addNewParentRef().withName("theirs").endParentRef()
                .addNewParentRef().withName("ours").endParentRef().endSpec().build());
        HTTPRoute both = awaitParent(ns, "both", "ours", "Accepted", "True", "Accepted");
        assertThat(parent(both, "theirs")).as("not ours to report").isNull();
        Gateway theirs = harness.client.resources(Gateway.class).inNamespace(ns).withName("theirs").get();
        assertThat(theirs.getStatus().getListeners()).as("a foreign Gateway's status is left alone").isNullOrEmpty();
        assertThat(theirs.getStatus().getConditions()).as("a foreign Gateway keeps the CRD's Pending conditions")
                .extracting(Condition::getType, Condition::getStatus, Condition::getReason)
                .containsExactly(tuple("Accepted", "Unknown", "Pending"),
                        tuple("Programmed", "Unknown", "Pending"));
        assertThat(harness.dataPlane.current(ns, "theirs")).isEmpty();
        Condition ok = condition(parent(both, "ours").getConditions(), "Accepted");
        assertThat(ok.getObservedGeneration()).isEqualTo(1L);
    }
}

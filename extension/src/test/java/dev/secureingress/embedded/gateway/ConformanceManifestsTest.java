package dev.secureingress.embedded.gateway;

import dev.secureingress.embedded.dataplane.ListenerProgram;
import dev.secureingress.embedded.dataplane.RouteProgram;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.SecretLayout;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.secureingress.embedded.gateway.ControllerHarness.condition;
import static dev.secureingress.embedded.gateway.ControllerHarness.gatewayCondition;
import static dev.secureingress.embedded.gateway.ControllerHarness.listener;
import static dev.secureingress.embedded.gateway.ControllerHarness.listenerCondition;
import static dev.secureingress.embedded.gateway.ControllerHarness.parent;
import static dev.secureingress.embedded.gateway.ControllerHarness.parentCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The Gateway API conformance suite's manifests (v1.6.1: base manifests and a few tests), applied unmodified
 * except for the suite's own {@code {GATEWAY_CLASS_NAME}} placeholder, with the statuses the spec implies.
 * The files are read from {@code <secure-ingress.upstream>/gateway-api-conformance} (default
 * {@value #DEFAULT_UPSTREAM}); the tests are skipped when they are not there.
 */
class ConformanceManifestsTest {

    static final String UPSTREAM_PROPERTY = "secure-ingress.upstream";
    static final String DEFAULT_UPSTREAM = "/work/shared/upstream";
    private static final String INFRA = "gateway-conformance-infra";

    private static ControllerHarness harness;
    private static String missing;

    @BeforeAll
    static void applyManifests() throws IOException {
        Path dir = Path.of(System.getProperty(UPSTREAM_PROPERTY, DEFAULT_UPSTREAM), "gateway-api-conformance");
        if (!Files.isRegularFile(dir.resolve("base-manifests.yaml"))) {
            missing = "the Gateway API conformance manifests are not at " + dir
                    + "; set -D" + UPSTREAM_PROPERTY + "=<directory holding gateway-api-conformance/>";
            return;
        }
        harness = new ControllerHarness();
        apply(dir.resolve("base-manifests.yaml"));
        // the suite creates this secret itself before running tests (a self-signed certificate for its hosts)
        Credential certificate = harness.serverCredential("example.org", "second-example.org", "*.wildcard.org");
        harness.createSecrets(SecretLayout.TLS, INFRA, "tls-validity-checks-certificate", certificate, false);
        try (Stream<Path> tests = Files.list(dir.resolve("tests"))) {
            for (Path test : tests.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                apply(test);
            }
        }
    }

    @BeforeEach
    void requireManifests() {
        assumeThat(missing).as(missing).isNull();
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private static void apply(Path manifest) throws IOException {
        String yaml = Files.readString(manifest).replace("{GATEWAY_CLASS_NAME}", GatewayController.CLASS_NAME);
        List<HasMetadata> items = harness.client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
        for (HasMetadata item : items) {
            harness.client.resource(item).create();
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

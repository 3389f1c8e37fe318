package dev.secureingress.embedded.gateway;

import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.cluster.ConditionReport;
import dev.secureingress.embedded.api.EmbeddedApiServer;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.SecretLayout;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * An embedded API server with a {@link GatewayController} programming a {@link RecordingDataPlane}, plus
 * the builders and waits the controller tests share. One per test class; tests use their own namespaces.
 */
final class ControllerHarness implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    final EmbeddedApiServer api;
    final KubernetesClient client;
    final RecordingDataPlane dataPlane = new RecordingDataPlane();
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final GatewayController controller;
    private final CertificateAuthority ca = CertificateAuthority.root("O=example Inc.,CN=example.com").build();

    ControllerHarness() {
        api = EmbeddedApiServer.start();
        client = api.client();
        controller = GatewayController.start(client, dataPlane, clock);
    }

    @Override
    public void close() {
        controller.close();
        api.close();
    }

    CertificateAuthority ca() {
        return ca;
    }

    /** Creates a fresh namespace (with the given labels) and returns its name. */
    String namespace(String prefix, Map<String, String> labels) {
        String name = prefix + "-" + NAMESPACES.incrementAndGet();
        client.resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build())
                .create();
        return name;
    }

    String namespace(String prefix) {
        return namespace(prefix, Map.of());
    }

    Credential serverCredential(String... hostnames) {
        return ca.issue().server(hostnames).build();
    }

    /** Creates the secret(s) of the credential in the given layout. */
    void createSecrets(SecretLayout layout, String namespace, String name, Credential credential, boolean withCa) {
        List<Secret> secrets = withCa
                ? layout.secrets(namespace, name, credential, List.of(ca.certificate()))
                : layout.secrets(namespace, name, credential);
        secrets.forEach(s -> client.resource(s).create());
    }

    <T extends HasMetadata> T create(T resource) {
        return client.resource(resource).create();
    }

    /** A Gateway of class istio in the namespace, without listeners yet. */
    static GatewayBuilder gateway(String namespace, String name) {
        return new GatewayBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withGatewayClassName("istio").endSpec();
    }

    static HTTPRouteBuilder route(String namespace, String name) {
        return new HTTPRouteBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata();
    }

    Gateway awaitGateway(String namespace, String name, String description, Predicate<Gateway> done) {
        return BoundedWait.<Gateway>forState("Gateway " + namespace + "/" + name + " " + description)
                .atMost(WAIT)
                .describedBy(ConditionReport::of)
                .until(() -> client.resources(Gateway.class).inNamespace(namespace).withName(name).get(), done);
    }

    HTTPRoute awaitRoute(String namespace, String name, String description, Predicate<HTTPRoute> done) {
        return BoundedWait.<HTTPRoute>forState("HTTPRoute " + namespace + "/" + name + " " + description)
                .atMost(WAIT)
                .describedBy(ConditionReport::of)
                .until(() -> client.resources(HTTPRoute.class).inNamespace(namespace).withName(name).get(), done);
    }

    /** Waits until a reconciliation pass has completed after this call, so that all earlier events were seen. */
    void awaitQuiet() {
        long start = controller.completedPasses();
        AtomicReference<String> marker = new AtomicReference<>("quiet-" + System.nanoTime());
        // any watched change triggers a pass; a ConfigMap is the least intrusive one
        String ns = "default";
        client.configMaps().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName(marker.get()).endMetadata().build()).create();
        BoundedWait.<Long>forState("a reconciliation pass").atMost(WAIT)
                .until(controller::completedPasses, passes -> passes > start);
        client.configMaps().inNamespace(ns).withName(marker.get()).delete();
    }

    static Condition condition(List<Condition> conditions, String type) {
        return conditions == null ? null : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    static ListenerStatus listener(Gateway gateway, String name) {
        if (gateway.getStatus() == null || gateway.getStatus().getListeners() == null) {
            return null;
        }
        return gateway.getStatus().getListeners().stream().filter(l -> name.equals(l.getName())).findFirst().orElse(null);
    }

    static RouteParentStatus parent(HTTPRoute route, String gatewayName) {
        if (route.getStatus() == null || route.getStatus().getParents() == null) {
            return null;
        }
        return route.getStatus().getParents().stream()
                .filter(p -> gatewayName.equals(p.getParentRef().getName())).findFirst().orElse(null);
    }

    /** True when the gateway's condition of that type has that status and reason, for the current generation. */
    static Predicate<Gateway> gatewayCondition(String type, String status, String reason) {
        return g -> g.getStatus() != null && has(condition(g.getStatus().getConditions(), type), status, reason,
                g.getMetadata().getGeneration());
    }

    static Predicate<Gateway> listenerCondition(String listener, String type, String status, String reason) {
        return g -> {
            ListenerStatus l = listener(g, listener);
            return l != null && has(condition(l.getConditions(), type), status, reason, g.getMetadata().getGeneration());
        };
    }

    static Predicate<HTTPRoute> parentCondition(String gateway, String type, String status, String reason) {
        return r -> {
            RouteParentStatus p = parent(r, gateway);
            return p != null && has(condition(p.getConditions(), type), status, reason, r.getMetadata().getGeneration());
        };
    }

    private static boolean has(Condition c, String status, String reason, Long generation) {
        return c != null && status.equals(c.getStatus()) && reason.equals(c.getReason())
                && Objects.equals(c.getObservedGeneration(), generation);
    }

    /** A clock tests move by hand, to see which conditions got a new lastTransitionTime. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}

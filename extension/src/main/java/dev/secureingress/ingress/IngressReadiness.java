package dev.secureingress.ingress;

import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.cluster.ConditionReport;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Waits until Gateways and HTTPRoutes are ready the way {@code kubectl wait --for=condition=programmed}
 * would say, and a little stricter: a Gateway is ready when it is {@code Accepted} and {@code Programmed}
 * and every listener in its spec reports {@code Programmed} and {@code ResolvedRefs}; an HTTPRoute is
 * ready when every parent it names reports {@code Accepted} and {@code ResolvedRefs}. Conditions whose
 * {@code observedGeneration} is older than the object's generation do not count. A timeout names the
 * object and every condition last seen, with reasons and messages.
 */
public final class IngressReadiness {

    private final KubernetesClient client;
    private final Duration timeout;

    public IngressReadiness(KubernetesClient client, Duration timeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Waits for the Gateway; returns it as last read (with its addresses). */
    public Gateway awaitGateway(String namespace, String name) {
        return BoundedWait.<Gateway>forState("Gateway " + namespace + "/" + name
                        + " to be Accepted and Programmed with every listener Programmed and ResolvedRefs")
                .atMost(timeout)
                .describedBy(ConditionReport::of)
                .untilWatched(client.resources(Gateway.class).inNamespace(namespace).withName(name),
                        IngressReadiness::gatewayReady);
    }

    /** Waits for the HTTPRoute; returns it as last read. */
    public HTTPRoute awaitRoute(String namespace, String name) {
        return BoundedWait.<HTTPRoute>forState("HTTPRoute " + namespace + "/" + name
                        + " to be Accepted with ResolvedRefs by every parent")
                .atMost(timeout)
                .describedBy(ConditionReport::of)
                .untilWatched(client.resources(HTTPRoute.class).inNamespace(namespace).withName(name),
                        IngressReadiness::routeReady);
    }

    /** Waits for every Gateway, then every HTTPRoute, among {@code resources}; other kinds are ignored. */
    public void awaitAll(List<? extends HasMetadata> resources) {
        for (HasMetadata r : resources) {
            if (r instanceof Gateway) {
                awaitGateway(r.getMetadata().getNamespace(), r.getMetadata().getName());
            }
        }
        for (HasMetadata r : resources) {
            if (r instanceof HTTPRoute) {
                awaitRoute(r.getMetadata().getNamespace(), r.getMetadata().getName());
            }
        }
    }

    /** True when the Gateway and all its spec's listeners are ready (see the class comment). */
    public static boolean gatewayReady(Gateway gateway) {
        if (!ConditionReport.hasCondition("Accepted", "True").test(gateway)
                || !ConditionReport.hasCondition("Programmed", "True").test(gateway)) {
            return false;
        }
        List<ConditionReport.Entry> entries = ConditionReport.entries(gateway);
        Long generation = gateway.getMetadata().getGeneration();
        return gateway.getSpec().getListeners().stream().allMatch(listener -> {
            String scope = "listener " + listener.getName();
            return holds(entries, scope, "Programmed", generation) && holds(entries, scope, "ResolvedRefs", generation);
        });
    }

    /** True when every parent named in the route's spec has accepted it with resolved references. */
    public static boolean routeReady(HTTPRoute route) {
        List<ConditionReport.Entry> entries = ConditionReport.entries(route);
        Long generation = route.getMetadata().getGeneration();
        String routeNamespace = route.getMetadata().getNamespace();
        List<List<String>> parents = route.getSpec().getParentRefs().stream()
                .map(ref -> {
                    String ns = ref.getNamespace() == null ? routeNamespace : ref.getNamespace();
                    // the controller may echo the parentRef with or without the defaulted namespace
                    return ns.equals(routeNamespace)
                            ? List.of("parent " + ns + "/" + ref.getName(), "parent " + ref.getName())
                            : List.of("parent " + ns + "/" + ref.getName());
                })
                .toList();
        return !parents.isEmpty() && parents.stream().allMatch(scopes -> scopes.stream().anyMatch(scope ->
                holds(entries, scope, "Accepted", generation) && holds(entries, scope, "ResolvedRefs", generation)));
    }

    private static boolean holds(List<ConditionReport.Entry> entries, String scope, String type, Long generation) {
        return entries.stream().anyMatch(e -> e.scope().equals(scope) && e.type().equals(type)
                && "True".equals(e.status())
                && (e.observedGeneration() == null || generation == null || e.observedGeneration() >= generation));
    }
}

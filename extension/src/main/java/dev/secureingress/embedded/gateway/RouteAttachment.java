package dev.secureingress.embedded.gateway;

import dev.secureingress.embedded.dataplane.RouteProgram;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteNamespaces;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Attaches an HTTPRoute to the listeners of the Gateways it names, per the spec: the parentRef's
 * {@code sectionName} and {@code port} select listeners, the listener's {@code allowedRoutes} (namespaces
 * From Same/All/Selector and kinds) must allow the route, and the route's hostnames must intersect the
 * listener's. Produces the route's parent statuses and adds the route to each listener it attaches to.
 */
final class RouteAttachment {

    /** The outcome for one parentRef: the parentRef as reported (group, kind, namespace filled in) and its conditions. */
    record ParentOutcome(ParentReference parentRef, ListenerState.Outcome accepted, ListenerState.Outcome resolvedRefs) {
    }

    /** A Gateway this controller reconciles, with its listeners' states. */
    record GatewayListeners(String namespace, String name, List<ListenerState> listeners) {
    }

    private final ClusterView cluster;

    RouteAttachment(ClusterView cluster) {
        this.cluster = cluster;
    }

    /**
     * @param ours      the Gateways this controller owns, by {@code namespace/name}
     * @param isForeign true for a {@code namespace/name} of an existing Gateway of another class
     * @return one outcome per parentRef that names one of our Gateways or a Gateway that does not exist
     */
    List<ParentOutcome> attach(HTTPRoute route, RouteRules.Compiled compiled, Map<String, GatewayListeners> ours,
                               java.util.function.Predicate<String> isForeign) {
        String routeNamespace = route.getMetadata().getNamespace();
        List<ParentOutcome> outcomes = new ArrayList<>();
        List<ParentReference> parentRefs = route.getSpec() == null ? null : route.getSpec().getParentRefs();
        for (ParentReference ref : RouteRules.orEmpty(parentRefs)) {
            String group = ref.getGroup() == null ? ReferenceGrants.GATEWAY_GROUP : ref.getGroup();
            String kind = ref.getKind() == null ? "Gateway" : ref.getKind();
            if (!ReferenceGrants.GATEWAY_GROUP.equals(group) || !"Gateway".equals(kind)) {
                continue; // a parent some other controller handles
            }
            String namespace = ref.getNamespace() == null || ref.getNamespace().isEmpty() ? routeNamespace : ref.getNamespace();
            String key = namespace + "/" + ref.getName();
            if (isForeign.test(key)) {
                continue;
            }
            ParentReference reported = new ParentReferenceBuilder(ref)
                    .withGroup(group).withKind(kind).withNamespace(namespace).build();
            GatewayListeners gateway = ours.get(key);
            ListenerState.Outcome accepted;
            if (gateway == null) {
                accepted = new ListenerState.Outcome(false, "NoMatchingParent", "Gateway " + key + " does not exist");
            } else if (compiled.unsupported() != null) {
                accepted = new ListenerState.Outcome(false, "UnsupportedValue", compiled.unsupported());
            } else {
                accepted = attachToListeners(route, compiled, ref, gateway, routeNamespace);
            }
            outcomes.add(new ParentOutcome(reported, accepted, compiled.resolvedRefs()));
        }
        return outcomes;
    }

    private ListenerState.Outcome attachToListeners(HTTPRoute route, RouteRules.Compiled compiled, ParentReference ref, GatewayListeners gateway,
                                                    String routeNamespace) {
        List<ListenerState> candidates = gateway.listeners().stream()
                .filter(l -> ref.getSectionName() == null || ref.getSectionName().equals(l.name()))
                .filter(l -> ref.getPort() == null || ref.getPort() == l.port())
                .toList();
        String gatewayDescription = "Gateway " + gateway.namespace() + "/" + gateway.name();
        if (candidates.isEmpty()) {
            return new ListenerState.Outcome(false, "NoMatchingParent", gatewayDescription + " has no listener"
                    + (ref.getSectionName() == null ? "" : " named " + ref.getSectionName())
                    + (ref.getPort() == null ? "" : " on port " + ref.getPort()));
        }
        List<ListenerState> allowed = candidates.stream()
                .filter(l -> l.supportedKinds.stream().anyMatch(k -> ListenerValidation.HTTP_ROUTE.equals(k.getKind())))
                .filter(l -> namespaceAllowed(l, gateway.namespace(), routeNamespace))
                .toList();
        if (allowed.isEmpty()) {
            return new ListenerState.Outcome(false, "NotAllowedByListeners", "No listener of " + gatewayDescription
                    + " allows HTTPRoutes from namespace " + routeNamespace + " (see its listeners' allowedRoutes)");
        }
        List<String> routeHostnames = RouteRules.orEmpty(route.getSpec().getHostnames());
        List<ListenerState> fitting = allowed.stream()
                .filter(l -> Hostnames.fits(l.hostname(), routeHostnames))
                .toList();
        if (fitting.isEmpty()) {
            return new ListenerState.Outcome(false, "NoMatchingListenerHostname", "The route's hostnames "
                    + routeHostnames + " match no listener hostname of " + gatewayDescription);
        }
        for (ListenerState listener : fitting) {
            listener.routes.add(new RouteProgram(route.getMetadata().getNamespace(), route.getMetadata().getName(),
                    creationTime(route), Hostnames.intersect(listener.hostname(), routeHostnames), compiled.rules()));
        }
        return new ListenerState.Outcome(true, "Accepted", "Route attached to " + gatewayDescription + " listeners "
                + fitting.stream().map(ListenerState::name).toList());
    }

    private boolean namespaceAllowed(ListenerState listener, String gatewayNamespace, String routeNamespace) {
        var allowedRoutes = listener.listener.getAllowedRoutes();
        RouteNamespaces namespaces = allowedRoutes == null ? null : allowedRoutes.getNamespaces();
        String from = namespaces == null || namespaces.getFrom() == null ? "Same" : namespaces.getFrom();
        return switch (from) {
            case "All" -> true;
            case "Selector" -> selects(namespaces.getSelector(), cluster.namespaceLabels(routeNamespace));
            case "Same" -> Objects.equals(gatewayNamespace, routeNamespace);
            default -> false;
        };
    }

    /** Label selector semantics: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) all hold. */
    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        if (selector.getMatchLabels() != null) {
            for (var entry : selector.getMatchLabels().entrySet()) {
                if (!Objects.equals(labels.get(entry.getKey()), entry.getValue())) {
                    return false;
                }
            }
        }
        for (LabelSelectorRequirement requirement : RouteRules.orEmpty(selector.getMatchExpressions())) {
            String value = labels.get(requirement.getKey());
            List<String> values = RouteRules.orEmpty(requirement.getValues());
            boolean holds = switch (requirement.getOperator()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> labels.containsKey(requirement.getKey());
                case "DoesNotExist" -> !labels.containsKey(requirement.getKey());
                default -> false;
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    private static Instant creationTime(HTTPRoute route) {
        String created = route.getMetadata().getCreationTimestamp();
        try {
            return created == null ? Instant.EPOCH : Instant.parse(created);
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}

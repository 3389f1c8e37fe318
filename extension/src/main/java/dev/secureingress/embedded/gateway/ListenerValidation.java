package dev.secureingress.embedded.gateway;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKindBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Checks a Gateway's listeners against the spec and what the embedded data plane serves: supported
 * protocols (HTTP, HTTPS with TLS termination), route kinds (HTTPRoute), distinct port/protocol/hostname
 * combinations (else Conflicted), overlapping TLS hostnames, and resolved certificates.
 */
final class ListenerValidation {

    static final String HTTP_ROUTE = "HTTPRoute";
    private static final Set<String> PROTOCOLS = Set.of("HTTP", "HTTPS");

    private final CertificateRefs certificates;

    ListenerValidation(CertificateRefs certificates) {
        this.certificates = certificates;
    }

    List<ListenerState> validate(Gateway gateway) {
        List<ListenerState> states = new ArrayList<>();
        List<Listener> listeners = gateway.getSpec() == null || gateway.getSpec().getListeners() == null
                ? List.of() : gateway.getSpec().getListeners();
        for (Listener listener : listeners) {
            ListenerState state = new ListenerState(listener);
            states.add(state);
            if (!PROTOCOLS.contains(listener.getProtocol())) {
                state.accepted = new ListenerState.Outcome(false, "UnsupportedProtocol", "Protocol "
                        + listener.getProtocol() + " is not supported by the embedded gateway: use HTTP or HTTPS");
                continue;
            }
            checkRouteKinds(state);
            if ("HTTPS".equals(listener.getProtocol())) {
                CertificateRefs.Resolution tls = certificates.resolve(gateway, listener);
                if (tls.isResolved()) {
                    state.tls = tls.program();
                } else if (Conditions.ACCEPTED.equals(tls.conditionType())) {
                    state.accepted = new ListenerState.Outcome(false, tls.reason(), tls.message());
                } else {
                    state.resolvedRefs = new ListenerState.Outcome(false, tls.reason(), tls.message());
                }
            }
        }
        markConflicts(states);
        markOverlappingTls(states);
        return states;
    }

    private static void checkRouteKinds(ListenerState state) {
        RouteGroupKind httpRoute = new RouteGroupKindBuilder()
                .withGroup(ReferenceGrants.GATEWAY_GROUP).withKind(HTTP_ROUTE).build();
        var allowed = state.listener.getAllowedRoutes();
        if (allowed == null || allowed.getKinds() == null || allowed.getKinds().isEmpty()) {
            state.supportedKinds = List.of(httpRoute);
            return;
        }
        List<RouteGroupKind> supported = new ArrayList<>();
        List<String> unsupported = new ArrayList<>();
        for (RouteGroupKind kind : allowed.getKinds()) {
            String group = kind.getGroup() == null ? ReferenceGrants.GATEWAY_GROUP : kind.getGroup();
            if (ReferenceGrants.GATEWAY_GROUP.equals(group) && HTTP_ROUTE.equals(kind.getKind())) {
                if (!supported.contains(httpRoute)) {
                    supported.add(httpRoute);
                }
            } else {
                unsupported.add(kind.getKind() + (group.isEmpty() ? "" : "." + group));
            }
        }
        state.supportedKinds = List.copyOf(supported);
        if (!unsupported.isEmpty()) {
            state.resolvedRefs = new ListenerState.Outcome(false, "InvalidRouteKinds", "Route kinds "
                    + unsupported + " are not supported on a " + state.listener.getProtocol()
                    + " listener: only HTTPRoute (gateway.networking.k8s.io) is");
        }
    }

    /** Listeners on one port must share a protocol, and differ in hostname. */
    private static void markConflicts(List<ListenerState> states) {
        Map<Integer, List<ListenerState>> byPort = states.stream()
                .filter(s -> PROTOCOLS.contains(s.listener.getProtocol()))
                .collect(Collectors.groupingBy(ListenerState::port, TreeMap::new, Collectors.toList()));
        for (var entry : byPort.entrySet()) {
            List<ListenerState> onPort = entry.getValue();
            Set<String> protocols = onPort.stream().map(s -> s.listener.getProtocol()).collect(Collectors.toSet());
            if (protocols.size() > 1) {
                for (ListenerState state : onPort) {
                    conflict(state, "ProtocolConflict", "Port " + entry.getKey() + " is used with the protocols "
                            + new java.util.TreeSet<>(protocols) + ": listeners on one port must share a protocol");
                }
                continue;
            }
            for (ListenerState state : onPort) {
                List<String> same = onPort.stream()
                        .filter(other -> other != state && Objects.equals(other.hostname(), state.hostname()))
                        .map(ListenerState::name).toList();
                if (!same.isEmpty()) {
                    conflict(state, "HostnameConflict", "Listeners " + same + " use the same port "
                            + entry.getKey() + " and hostname " + (state.hostname() == null ? "(any)" : state.hostname())
                            + ": give each listener on a port its own hostname");
                }
            }
        }
    }

    private static void conflict(ListenerState state, String reason, String message) {
        state.conflicted = new ListenerState.Outcome(true, reason, message);
        if (state.accepted.status()) {
            state.accepted = new ListenerState.Outcome(false, reason, message);
        }
    }

    /** HTTPS listeners on one port whose hostnames overlap (not equal: that is a conflict). */
    private static void markOverlappingTls(List<ListenerState> states) {
        for (ListenerState state : states) {
            if (!"HTTPS".equals(state.listener.getProtocol()) || state.conflicted.status()) {
                continue;
            }
            List<String> overlapping = states.stream()
                    .filter(other -> other != state && "HTTPS".equals(other.listener.getProtocol())
                            && other.port() == state.port() && !other.conflicted.status()
                            && Hostnames.overlap(state.hostname(), other.hostname()))
                    .map(ListenerState::name).toList();
            if (!overlapping.isEmpty()) {
                state.overlappingTls = new ListenerState.Outcome(true, "OverlappingHostnames",
                        "Hostname " + state.hostname() + " overlaps with listeners " + overlapping + " on port " + state.port());
            }
        }
    }
}

package dev.secureingress.embedded.dataplane;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An HTTPRoute as attached to one listener.
 *
 * @param namespace         the route's namespace (used for precedence ties)
 * @param name              the route's name (used for precedence ties)
 * @param creationTimestamp the route's creation time (older routes win precedence ties)
 * @param hostnames         the effective hostnames: the intersection of the route's and the listener's;
 *                          empty means every hostname the listener accepts
 * @param rules             the route's rules in order
 */
public record RouteProgram(String namespace, String name, Instant creationTimestamp, List<String> hostnames,
                           List<Rule> rules) {
    public RouteProgram {
        hostnames = List.copyOf(hostnames);
        rules = List.copyOf(rules);
    }

    /**
     * One rule of a route, with the spec's match and filter types.
     *
     * @param matches        the rule's matches; empty means a single PathPrefix {@code /} match
     * @param filters        the rule's filters in order
     * @param backends       the weighted backends; empty means the rule answers 500
     * @param requestTimeout {@code timeouts.request}, or {@code null} for none
     */
    public record Rule(List<HTTPRouteMatch> matches, List<HTTPRouteFilter> filters, List<Backend> backends,
                       Duration requestTimeout) {
        public Rule {
            matches = List.copyOf(matches);
            filters = List.copyOf(filters);
            backends = List.copyOf(backends);
        }
    }

    /**
     * A weighted backend. Either resolved to the ready endpoints of a Service port (possibly none: 503),
     * or unresolved with the reason the route's ResolvedRefs condition carries (requests get 500).
     *
     * @param name             {@code namespace/service:port}, for logs and errors
     * @param weight           the backendRef's weight
     * @param endpoints        the ready endpoints; empty with {@code unresolvedReason == null} means 503
     * @param unresolvedReason {@code null} when resolved, else e.g. {@code BackendNotFound}
     * @param filters          the backendRef's own filters
     */
    public record Backend(String name, int weight, List<InetSocketAddress> endpoints, String unresolvedReason,
                          List<HTTPRouteFilter> filters) {
        public Backend {
            endpoints = List.copyOf(endpoints);
            filters = List.copyOf(filters);
        }

        public boolean resolved() {
            return unresolvedReason == null;
        }
    }
}

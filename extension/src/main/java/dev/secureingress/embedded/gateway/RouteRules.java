package dev.secureingress.embedded.gateway;

import dev.secureingress.embedded.dataplane.RouteProgram;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles an HTTPRoute's rules for the data plane: matches and filters as they are (after checking that
 * the data plane supports them), {@code timeouts.request}, and each backendRef resolved to the ready
 * endpoints of a Service port. Reports the route's {@code ResolvedRefs} outcome and any unsupported value.
 */
final class RouteRules {

    /** The compiled rules, the route's ResolvedRefs outcome, and an unsupported value (or null). */
    record Compiled(List<RouteProgram.Rule> rules, ListenerState.Outcome resolvedRefs, String unsupported) {
    }

    static final Set<String> SUPPORTED_FILTERS = Set.of(
            "RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect", "URLRewrite");
    private static final Set<String> PATH_TYPES = Set.of("Exact", "PathPrefix", "RegularExpression");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|h|m|s)");
    private static final Pattern DURATION_FORMAT = Pattern.compile("^(\\d{1,5}(h|m|s|ms)){1,4}$");

    private final ClusterView cluster;
    private final ReferenceGrants grants;

    RouteRules(ClusterView cluster, ReferenceGrants grants) {
        this.cluster = cluster;
        this.grants = grants;
    }

    Compiled compile(HTTPRoute route) {
        String namespace = route.getMetadata().getNamespace();
        List<RouteProgram.Rule> rules = new ArrayList<>();
        List<String> unsupported = new ArrayList<>();
        List<ListenerState.Outcome> refProblems = new ArrayList<>();
        List<HTTPRouteRule> specRules = route.getSpec() == null || route.getSpec().getRules() == null
                ? List.of() : route.getSpec().getRules();
        for (HTTPRouteRule rule : specRules) {
            List<HTTPRouteMatch> matches = orEmpty(rule.getMatches());
            for (HTTPRouteMatch match : matches) {
                if (match.getPath() != null && match.getPath().getType() != null
                        && !PATH_TYPES.contains(match.getPath().getType())) {
                    unsupported.add("path match type " + match.getPath().getType());
                }
            }
            List<HTTPRouteFilter> filters = orEmpty(rule.getFilters());
            checkFilters(filters, unsupported);
            Duration timeout = null;
            if (rule.getTimeouts() != null && rule.getTimeouts().getRequest() != null) {
                try {
                    timeout = parseDuration(rule.getTimeouts().getRequest());
                } catch (IllegalArgumentException e) {
                    unsupported.add(e.getMessage());
                }
            }
            List<RouteProgram.Backend> backends = new ArrayList<>();
            for (HTTPBackendRef ref : orEmpty(rule.getBackendRefs())) {
                checkFilters(orEmpty(ref.getFilters()), unsupported);
                RouteProgram.Backend backend = resolve(namespace, ref);
                if (!backend.resolved()) {
                    refProblems.add(new ListenerState.Outcome(false, backend.unresolvedReason(),
                            "backendRef " + backend.name() + ": " + unresolvedMessage(backend.unresolvedReason())));
                }
                backends.add(backend);
            }
            rules.add(new RouteProgram.Rule(matches, filters, backends, timeout));
        }
        ListenerState.Outcome resolvedRefs = refProblems.isEmpty()
                ? new ListenerState.Outcome(true, "ResolvedRefs", "All references resolved")
                : new ListenerState.Outcome(false, refProblems.get(0).reason(),
                refProblems.stream().map(ListenerState.Outcome::message).distinct()
                        .reduce((a, b) -> a + "; " + b).orElse(""));
        return new Compiled(rules, resolvedRefs,
                unsupported.isEmpty() ? null : "Unsupported: " + String.join("; ", unsupported));
    }

    private static void checkFilters(List<HTTPRouteFilter> filters, List<String> unsupported) {
        for (HTTPRouteFilter filter : filters) {
            if (!SUPPORTED_FILTERS.contains(filter.getType())) {
                unsupported.add("filter type " + filter.getType() + " (supported: RequestHeaderModifier, "
                        + "ResponseHeaderModifier, RequestRedirect, URLRewrite)");
            }
        }
    }

    private RouteProgram.Backend resolve(String routeNamespace, HTTPBackendRef ref) {
        String group = ref.getGroup() == null ? "" : ref.getGroup();
        String kind = ref.getKind() == null ? "Service" : ref.getKind();
        String namespace = ref.getNamespace() == null || ref.getNamespace().isEmpty() ? routeNamespace : ref.getNamespace();
        int weight = ref.getWeight() == null ? 1 : ref.getWeight();
        List<HTTPRouteFilter> filters = orEmpty(ref.getFilters());
        String name = namespace + "/" + ref.getName() + (ref.getPort() == null ? "" : ":" + ref.getPort());
        if (!group.isEmpty() || !"Service".equals(kind)) {
            return unresolved(kind + (group.isEmpty() ? "" : "." + group) + " " + name, weight, "InvalidKind", filters);
        }
        if (!grants.permits(ReferenceGrants.GATEWAY_GROUP, "HTTPRoute", routeNamespace,
                ReferenceGrants.CORE_GROUP, "Service", namespace, ref.getName())) {
            return unresolved(name, weight, "RefNotPermitted", filters);
        }
        Service service = cluster.service(namespace, ref.getName());
        if (service == null || ref.getPort() == null) {
            return unresolved(name, weight, "BackendNotFound", filters);
        }
        ServicePort port = orEmpty(service.getSpec() == null ? null : service.getSpec().getPorts()).stream()
                .filter(p -> Objects.equals(p.getPort(), ref.getPort()))
                .findFirst().orElse(null);
        if (port == null) {
            return unresolved(name, weight, "BackendNotFound", filters);
        }
        return new RouteProgram.Backend(name, weight, readyEndpoints(namespace, service, port), null, filters);
    }

    /** The ready endpoints behind a Service port: from its EndpointSlices, else from its Endpoints. */
    private List<InetSocketAddress> readyEndpoints(String namespace, Service service, ServicePort port) {
        String serviceName = service.getMetadata().getName();
        List<InetSocketAddress> endpoints = new ArrayList<>();
        List<EndpointSlice> slices = cluster.endpointSlices(namespace, serviceName);
        if (!slices.isEmpty()) {
            for (EndpointSlice slice : slices) {
                Integer target = slicePort(slice, port);
                if (target == null) {
                    continue;
                }
                for (var endpoint : orEmpty(slice.getEndpoints())) {
                    boolean ready = endpoint.getConditions() == null || endpoint.getConditions().getReady() == null
                            || endpoint.getConditions().getReady();
                    if (ready) {
                        orEmpty(endpoint.getAddresses()).forEach(a -> addEndpoint(endpoints, a, target));
                    }
                }
            }
            return endpoints;
        }
        Endpoints legacy = cluster.endpoints(namespace, serviceName);
        if (legacy != null) {
            for (EndpointSubset subset : orEmpty(legacy.getSubsets())) {
                Integer target = subsetPort(orEmpty(subset.getPorts()), port);
                if (target != null) {
                    orEmpty(subset.getAddresses()).forEach(a -> addEndpoint(endpoints, a.getIp(), target));
                }
            }
        }
        return endpoints;
    }

    private static Integer slicePort(EndpointSlice slice, ServicePort servicePort) {
        var ports = orEmpty(slice.getPorts());
        for (var p : ports) {
            if (Objects.equals(blankToNull(p.getName()), blankToNull(servicePort.getName()))) {
                return p.getPort();
            }
        }
        return ports.size() == 1 && ports.get(0).getPort() != null && targetMatches(servicePort, ports.get(0).getPort())
                ? ports.get(0).getPort() : null;
    }

    private static Integer subsetPort(List<EndpointPort> ports, ServicePort servicePort) {
        for (EndpointPort p : ports) {
            if (Objects.equals(blankToNull(p.getName()), blankToNull(servicePort.getName()))) {
                return p.getPort();
            }
        }
        return ports.size() == 1 && targetMatches(servicePort, ports.get(0).getPort()) ? ports.get(0).getPort() : null;
    }

    /** For unnamed ports: the endpoint port must be the Service's numeric targetPort (or its port). */
    private static boolean targetMatches(ServicePort servicePort, Integer endpointPort) {
        IntOrString target = servicePort.getTargetPort();
        if (target == null) {
            return Objects.equals(servicePort.getPort(), endpointPort);
        }
        return target.getIntVal() == null || Objects.equals(target.getIntVal(), endpointPort);
    }

    private static void addEndpoint(List<InetSocketAddress> endpoints, String address, int port) {
        try {
            // only IP literals are expected here, so no name lookup happens
            endpoints.add(new InetSocketAddress(InetAddress.getByName(address), port));
        } catch (UnknownHostException e) {
            endpoints.add(InetSocketAddress.createUnresolved(address, port));
        }
    }

    private static RouteProgram.Backend unresolved(String name, int weight, String reason, List<HTTPRouteFilter> filters) {
        return new RouteProgram.Backend(name, weight, List.of(), reason, filters);
    }

    private static String unresolvedMessage(String reason) {
        return switch (reason) {
            case "InvalidKind" -> "only core Services are supported as backends";
            case "RefNotPermitted" -> "the Service is in another namespace and no ReferenceGrant there allows "
                    + "HTTPRoutes from this namespace to reference it";
            default -> "no such Service, or the Service has no such port";
        };
    }

    /**
     * Parses a Gateway API duration ({@code 1h}, {@code 30s}, {@code 500ms}, {@code 1m30s}); zero means
     * no timeout and is returned as null.
     */
    static Duration parseDuration(String text) {
        if (!DURATION_FORMAT.matcher(text).matches()) {
            throw new IllegalArgumentException("timeouts.request " + text
                    + " is not a Gateway API duration (e.g. 10s, 500ms, 1m30s)");
        }
        Duration total = Duration.ZERO;
        Matcher m = DURATION.matcher(text);
        while (m.find()) {
            long amount = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMillis(amount);
            });
        }
        return total.isZero() ? null : total;
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}

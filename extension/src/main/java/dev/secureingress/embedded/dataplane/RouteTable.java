package dev.secureingress.embedded.dataplane;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The routes attached to one listener, compiled into candidates in the Gateway API's precedence order.
 *
 * <p>A request first selects the routes whose hostnames match its {@code Host} most specifically (exact
 * beats wildcard, longer beats shorter); among their rules the first candidate in precedence order that
 * matches wins: Exact path, longest PathPrefix, then RegularExpression; method; most header matches; most
 * query matches; oldest route; {@code namespace/name}; rule order.
 */
final class RouteTable {

    private static final Logger LOG = LoggerFactory.getLogger(RouteTable.class);

    private static final Comparator<Candidate> PRECEDENCE = Comparator
            .comparingInt((Candidate c) -> pathRank(c.matcher()))
            .thenComparingInt(c -> c.matcher().pathType() == RouteMatcher.PathType.REGULAR_EXPRESSION
                    ? 0 : c.matcher().pathValue().length())
            .thenComparing(c -> c.matcher().hasMethod())
            .thenComparingInt(c -> c.matcher().headerCount())
            .thenComparingInt(c -> c.matcher().queryParamCount())
            .reversed()
            .thenComparing(c -> c.route().creationTimestamp() == null ? Instant.MAX : c.route().creationTimestamp())
            .thenComparing(c -> c.route().namespace() + "/" + c.route().name())
            .thenComparingInt(Candidate::ruleIndex)
            .thenComparingInt(Candidate::matchIndex);

    private final List<Candidate> candidates;

    private RouteTable(List<Candidate> candidates) {
        this.candidates = candidates;
    }

    static RouteTable compile(List<RouteProgram> routes) {
        List<Candidate> candidates = new ArrayList<>();
        for (RouteProgram route : routes) {
            for (int r = 0; r < route.rules().size(); r++) {
                RouteProgram.Rule rule = route.rules().get(r);
                try {
                    if (rule.matches().isEmpty()) {
                        candidates.add(new Candidate(route, r, rule, 0, RouteMatcher.matchAll()));
                    }
                    for (int m = 0; m < rule.matches().size(); m++) {
                        HTTPRouteMatch match = rule.matches().get(m);
                        candidates.add(new Candidate(route, r, rule, m, RouteMatcher.compile(match)));
                    }
                } catch (RuntimeException invalid) {
                    LOG.warn("HTTPRoute {}/{} rule {} is not served: {}", route.namespace(), route.name(), r,
                            invalid.getMessage());
                }
            }
        }
        candidates.sort(PRECEDENCE);
        return new RouteTable(List.copyOf(candidates));
    }

    /** The winning candidate for a request, or empty (404). */
    Optional<Candidate> select(RequestView request) {
        int bestHost = HostnameMatch.NO_MATCH;
        for (Candidate candidate : candidates) {
            bestHost = Math.max(bestHost, candidate.hostSpecificity(request.host()));
        }
        if (bestHost == HostnameMatch.NO_MATCH) {
            return Optional.empty();
        }
        for (Candidate candidate : candidates) {
            if (candidate.hostSpecificity(request.host()) == bestHost && candidate.matcher().matches(request)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static int pathRank(RouteMatcher matcher) {
        return switch (matcher.pathType()) {
            case EXACT -> 3;
            case PATH_PREFIX -> 2;
            case REGULAR_EXPRESSION -> 1;
        };
    }

    /** One match of one rule of one route. */
    record Candidate(RouteProgram route, int ruleIndex, RouteProgram.Rule rule, int matchIndex,
                     RouteMatcher matcher) {

        /** How specifically the route's hostnames match the request host; an empty list matches any. */
        int hostSpecificity(String host) {
            if (route.hostnames().isEmpty()) {
                return HostnameMatch.ANY;
            }
            int best = HostnameMatch.NO_MATCH;
            for (String hostname : route.hostnames()) {
                best = Math.max(best, HostnameMatch.specificity(hostname, host));
            }
            return best;
        }

        String describe() {
            return "HTTPRoute " + route.namespace() + "/" + route.name() + " rule " + ruleIndex;
        }
    }
}

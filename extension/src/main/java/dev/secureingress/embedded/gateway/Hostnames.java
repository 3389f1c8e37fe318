package dev.secureingress.embedded.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Gateway API hostname rules: wildcard matching and the intersection of a listener's hostname with a
 * route's hostnames.
 *
 * <p>A wildcard {@code *.example.com} matches one or more labels in front of {@code example.com} but not
 * {@code example.com} itself. A listener without a hostname accepts every hostname.
 */
final class Hostnames {

    private Hostnames() {
    }

    /** True when {@code hostname} (exact) is matched by {@code pattern} (exact or wildcard). */
    static boolean matches(String pattern, String hostname) {
        String p = normalize(pattern);
        String h = normalize(hostname);
        if (isWildcard(p)) {
            String suffix = p.substring(1); // ".example.com"
            return h.endsWith(suffix) && h.length() > suffix.length();
        }
        return p.equals(h);
    }

    /**
     * The hostnames a route serves on a listener: each route hostname intersected with the listener's.
     * An empty result for a route that has hostnames means the route does not fit this listener; an
     * empty route hostname list is returned as an empty list, meaning "whatever the listener accepts".
     *
     * @param listenerHostname the listener's hostname, {@code null} for any
     * @param routeHostnames   the route's hostnames, empty for any
     */
    static List<String> intersect(String listenerHostname, List<String> routeHostnames) {
        List<String> result = new ArrayList<>();
        if (routeHostnames.isEmpty()) {
            return result;
        }
        for (String routeHostname : routeHostnames) {
            String overlap = intersect(listenerHostname, routeHostname);
            if (overlap != null && !result.contains(overlap)) {
                result.add(overlap);
            }
        }
        return result;
    }

    /** True when a route with these hostnames can attach to a listener with that hostname. */
    static boolean fits(String listenerHostname, List<String> routeHostnames) {
        return routeHostnames.isEmpty() || !intersect(listenerHostname, routeHostnames).isEmpty();
    }

    /** True when some hostname could be served by both listener hostnames (neither is a catch-all). */
    static boolean overlap(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return intersect(a, b) != null;
    }

    private static String intersect(String listenerHostname, String routeHostname) {
        String r = normalize(routeHostname);
        if (listenerHostname == null || listenerHostname.isEmpty()) {
            return r;
        }
        String l = normalize(listenerHostname);
        if (!isWildcard(l) && !isWildcard(r)) {
            return l.equals(r) ? r : null;
        }
        if (!isWildcard(r)) {
            return matches(l, r) ? r : null;
        }
        if (!isWildcard(l)) {
            return matches(r, l) ? l : null;
        }
        // both wildcards: the more specific one is the intersection, if one contains the other
        if (l.equals(r) || l.endsWith(r.substring(1))) {
            return l;
        }
        return r.endsWith(l.substring(1)) ? r : null;
    }

    private static boolean isWildcard(String hostname) {
        return hostname.startsWith("*.");
    }

    private static String normalize(String hostname) {
        return hostname.toLowerCase(Locale.ROOT);
    }
}

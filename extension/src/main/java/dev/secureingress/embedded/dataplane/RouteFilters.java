package dev.secureingress.embedded.dataplane;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestRedirectFilter;
import io.netty.handler.codec.http.HttpHeaders;

/** The Gateway API's HTTPRoute filters that change headers and URLs. */
final class RouteFilters {

    private RouteFilters() {
    }

    /** RequestHeaderModifier / ResponseHeaderModifier: set replaces, add appends, remove deletes. */
    static void modifyHeaders(HTTPHeaderFilter filter, HttpHeaders headers) {
        if (filter == null) {
            return;
        }
        if (filter.getSet() != null) {
            for (HTTPHeader header : filter.getSet()) {
                headers.set(header.getName(), header.getValue());
            }
        }
        if (filter.getAdd() != null) {
            for (HTTPHeader header : filter.getAdd()) {
                headers.add(header.getName(), header.getValue());
            }
        }
        if (filter.getRemove() != null) {
            for (String name : filter.getRemove()) {
                headers.remove(name);
            }
        }
    }

    /**
     * The path after a path modifier: ReplaceFullPath, or ReplacePrefixMatch which swaps the matched
     * prefix (whole path elements) for the replacement.
     *
     * @param matcher the match that selected the rule; ReplacePrefixMatch needs a PathPrefix match
     */
    static String modifyPath(HTTPPathModifier modifier, String path, RouteMatcher matcher) {
        if (modifier == null) {
            return path;
        }
        String type = modifier.getType();
        if ("ReplaceFullPath".equals(type)) {
            return nonEmpty(modifier.getReplaceFullPath());
        }
        if ("ReplacePrefixMatch".equals(type)) {
            if (matcher.pathType() != RouteMatcher.PathType.PATH_PREFIX) {
                throw new IllegalStateException("ReplacePrefixMatch requires a PathPrefix match, the rule matched by "
                        + matcher.pathType());
            }
            String prefix = matcher.pathValue().equals("/") ? "" : matcher.pathValue();
            String remainder = path.substring(Math.min(prefix.length(), path.length()));
            String replacement = modifier.getReplacePrefixMatch() == null ? "" : modifier.getReplacePrefixMatch();
            if (replacement.endsWith("/")) {
                replacement = replacement.substring(0, replacement.length() - 1);
            }
            return nonEmpty(replacement + remainder);
        }
        throw new IllegalStateException("unsupported path modifier type '" + type
                + "'; use ReplaceFullPath or ReplacePrefixMatch");
    }

    /**
     * The {@code Location} of a RequestRedirect. Unset parts keep the request's; the port follows the spec:
     * the scheme's well-known port when the scheme is redirected, else the listener's port, and it is left
     * out when it is the scheme's default.
     */
    static String redirectLocation(HTTPRequestRedirectFilter redirect, RequestView request, RouteMatcher matcher,
                                   boolean secureListener, int listenerPort) {
        String scheme = redirect.getScheme() != null ? redirect.getScheme() : secureListener ? "https" : "http";
        String host = redirect.getHostname() != null ? redirect.getHostname()
                : request.host() != null ? request.host() : "";
        int port;
        if (redirect.getPort() != null) {
            port = redirect.getPort();
        } else if (redirect.getScheme() != null) {
            port = defaultPort(scheme);
        } else {
            port = listenerPort;
        }
        String path = modifyPath(redirect.getPath(), request.path(), matcher);
        StringBuilder location = new StringBuilder(scheme).append("://").append(host);
        if (port != defaultPort(scheme)) {
            location.append(':').append(port);
        }
        location.append(path);
        if (!request.query().isEmpty()) {
            location.append('?').append(request.query());
        }
        return location.toString();
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    private static String nonEmpty(String path) {
        return path == null || path.isEmpty() ? "/" : path;
    }
}

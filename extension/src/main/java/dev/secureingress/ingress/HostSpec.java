package dev.secureingress.ingress;

import dev.secureingress.tls.DnsNames;

import java.util.List;
import java.util.Objects;

/**
 * One virtual host behind the gateway: its HTTPS listener (hostname, TLS mode) and its HTTPRoute
 * (paths, backend Service). Immutable; validated when built.
 *
 * <pre>{@code
 * HostSpec httpbin = HostSpec.host("httpbin.example.com")
 *     .backend("httpbin:8000")
 *     .paths(PathType.PREFIX, "/status", "/delay")
 *     .build();
 * }</pre>
 *
 * @param hostname       the listener's and route's hostname, e.g. {@code httpbin.example.com}
 * @param backendService the Service the route forwards to, in the same namespace as the route
 * @param backendPort    the Service port
 * @param pathType       how {@code paths} match
 * @param paths          the paths the route exposes; requests to any other path get 404
 * @param tlsMode        how the listener terminates TLS
 */
public record HostSpec(String hostname, String backendService, int backendPort, PathType pathType,
                       List<String> paths, TlsMode tlsMode) {


    public HostSpec {
        requireValidHostname(hostname);
        Objects.requireNonNull(pathType, "pathType");
        Objects.requireNonNull(tlsMode, "tlsMode");
        if (!DnsNames.isLabel(backendService)) {
            throw new IllegalArgumentException("host " + hostname + ": backend Service name '" + backendService
                    + "' is not a valid Service name (lowercase letters, digits and '-', at most 63 characters)");
        }
        if (backendPort < 1 || backendPort > 65535) {
            throw new IllegalArgumentException("host " + hostname + ": backend port " + backendPort
                    + " is outside 1..65535");
        }
        paths = List.copyOf(paths);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("host " + hostname + ": no paths given; expose at least one, e.g. \"/\"");
        }
        for (String path : paths) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("host " + hostname + ": path '" + path
                        + "' must start with '/', e.g. \"/" + path + "\"");
            }
        }
    }

    /** Starts a host; without further settings it routes {@code /} (prefix) with SIMPLE TLS. */
    public static Builder host(String hostname) {
        return new Builder(hostname);
    }

    /**
     * Checks a listener hostname as the Gateway API does: a lowercase DNS name, optionally starting
     * with a {@code *.} wildcard label; no IP addresses, ports or trailing dots.
     *
     * @throws IllegalArgumentException naming the hostname and what is wrong with it
     */
    public static void requireValidHostname(String hostname) {
        if (hostname == null || hostname.isEmpty()) {
            throw new IllegalArgumentException("hostname is empty; give a DNS name such as httpbin.example.com");
        }
        String problem = hostnameProblem(hostname);
        if (problem != null) {
            throw new IllegalArgumentException("invalid hostname '" + hostname + "': " + problem);
        }
    }

    private static String hostnameProblem(String hostname) {
        if (!hostname.equals(hostname.toLowerCase(java.util.Locale.ROOT))) {
            return "must be lowercase, e.g. " + hostname.toLowerCase(java.util.Locale.ROOT);
        }
        if (hostname.contains(":")) {
            return "must not carry a port; the listener port is 443";
        }
        String[] labels = hostname.split("\\.", -1);
        if (labels.length > 1 && labels[labels.length - 1].chars().allMatch(Character::isDigit)
                && !labels[labels.length - 1].isEmpty()) {
            return "looks like an IP address; Gateway listener hostnames are DNS names";
        }
        return DnsNames.problem(hostname, true).orElse(null);
    }

    /** Fluent construction of a {@link HostSpec}. */
    public static final class Builder {
        private final String hostname;
        private String backendService;
        private int backendPort;
        private PathType pathType = PathType.PREFIX;
        private List<String> paths = List.of("/");
        private TlsMode tlsMode = TlsMode.SIMPLE;

        private Builder(String hostname) {
            this.hostname = hostname;
        }

        /** The Service and port the route forwards to. */
        public Builder backend(String service, int port) {
            this.backendService = service;
            this.backendPort = port;
            return this;
        }

        /** The backend as {@code service:port}, e.g. {@code httpbin:8000}. */
        public Builder backend(String serviceAndPort) {
            int colon = serviceAndPort == null ? -1 : serviceAndPort.lastIndexOf(':');
            if (colon <= 0 || colon == serviceAndPort.length() - 1) {
                throw new IllegalArgumentException("host " + hostname + ": backend '" + serviceAndPort
                        + "' must be service:port, e.g. httpbin:8000");
            }
            String port = serviceAndPort.substring(colon + 1);
            try {
                return backend(serviceAndPort.substring(0, colon), Integer.parseInt(port));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("host " + hostname + ": backend '" + serviceAndPort
                        + "' has no numeric port; write service:port, e.g. httpbin:8000", e);
            }
        }

        /** The paths the route exposes and how they match; {@code /} as a prefix unless set. */
        public Builder paths(PathType type, String... paths) {
            this.pathType = type;
            this.paths = List.of(paths);
            return this;
        }

        /** SIMPLE unless set. */
        public Builder tls(TlsMode mode) {
            this.tlsMode = mode;
            return this;
        }

        public HostSpec build() {
            if (backendService == null) {
                throw new IllegalArgumentException("host " + hostname + ": no backend; set one, e.g. backend(\"httpbin:8000\")");
            }
            return new HostSpec(hostname, backendService, backendPort, pathType, paths, tlsMode);
        }
    }
}

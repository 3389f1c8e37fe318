package dev.secureingress.embedded.dataplane;

import java.util.List;

/**
 * One listener of a Gateway.
 *
 * @param name     the listener's name ({@code spec.listeners[].name})
 * @param port     the logical port ({@code spec.listeners[].port})
 * @param protocol HTTP or HTTPS
 * @param hostname the listener hostname, exact or wildcard ({@code *.example.com}); {@code null} for any
 * @param tls      TLS termination settings; {@code null} for HTTP listeners
 * @param routes   the routes attached to this listener, with hostnames already intersected
 */
public record ListenerProgram(String name, int port, Protocol protocol, String hostname, TlsProgram tls,
                              List<RouteProgram> routes) {
    public ListenerProgram {
        routes = List.copyOf(routes);
    }

    /** Listener protocols the embedded data plane serves. */
    public enum Protocol { HTTP, HTTPS }
}

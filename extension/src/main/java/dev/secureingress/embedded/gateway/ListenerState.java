package dev.secureingress.embedded.gateway;

import dev.secureingress.embedded.dataplane.ListenerProgram;
import dev.secureingress.embedded.dataplane.RouteProgram;
import dev.secureingress.embedded.dataplane.TlsProgram;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;

import java.util.ArrayList;
import java.util.List;

/**
 * What one reconciliation pass found out about one listener: whether it is accepted, conflicted and has
 * its references resolved (each with the spec's reason and a message), the route kinds it supports, its
 * TLS program and the routes attached to it.
 */
final class ListenerState {

    /** A condition outcome: status, the spec's reason and a message for people. */
    record Outcome(boolean status, String reason, String message) {
    }

    final Listener listener;
    Outcome accepted = new Outcome(true, "Accepted", "Listener accepted");
    Outcome resolvedRefs = new Outcome(true, "ResolvedRefs", "All references resolved");
    Outcome conflicted = new Outcome(false, "NoConflicts", "No conflicts");
    Outcome overlappingTls;
    Outcome programmed;
    List<RouteGroupKind> supportedKinds = List.of();
    TlsProgram tls;
    final List<RouteProgram> routes = new ArrayList<>();

    ListenerState(Listener listener) {
        this.listener = listener;
    }

    String name() {
        return listener.getName();
    }

    int port() {
        return listener.getPort() == null ? 0 : listener.getPort();
    }

    String hostname() {
        String hostname = listener.getHostname();
        return hostname == null || hostname.isEmpty() ? null : hostname;
    }

    ListenerProgram.Protocol protocol() {
        return ListenerProgram.Protocol.valueOf(listener.getProtocol());
    }

    /**
     * True when the listener can be served: accepted, not conflicted and, for HTTPS, with a resolved
     * certificate. Route kinds that are not supported do not stop it.
     */
    boolean programmable() {
        boolean tlsReady = !"HTTPS".equals(listener.getProtocol()) || tls != null;
        return accepted.status() && !conflicted.status() && tlsReady;
    }

    ListenerProgram toProgram() {
        return new ListenerProgram(name(), port(), protocol(), hostname(), tls, routes);
    }
}

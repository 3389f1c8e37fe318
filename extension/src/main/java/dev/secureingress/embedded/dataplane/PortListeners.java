package dev.secureingress.embedded.dataplane;

import java.util.List;

/**
 * The listeners of one Gateway that share a port, as of the latest program. Immutable: reprogramming
 * replaces the whole value, so each handshake and each request sees one consistent state.
 *
 * @param gateway     {@code namespace/name} of the Gateway, for logs
 * @param logicalPort the listeners' port
 * @param tls         whether the port terminates TLS (its listeners are HTTPS)
 * @param listeners   the listeners
 */
record PortListeners(String gateway, int logicalPort, boolean tls, List<ServedListener> listeners) {

    PortListeners {
        listeners = List.copyOf(listeners);
    }

    /**
     * The listener whose hostname matches {@code host} most specifically, or {@code null}. A {@code null}
     * host (no SNI) is accepted only by a listener without hostname.
     */
    ServedListener forHostname(String host) {
        ServedListener best = null;
        int bestSpecificity = HostnameMatch.NO_MATCH;
        for (ServedListener listener : listeners) {
            int specificity = HostnameMatch.specificity(listener.hostname(), host);
            if (specificity > bestSpecificity) {
                best = listener;
                bestSpecificity = specificity;
            }
        }
        return best;
    }

    /** The listener with this name, or {@code null} when it is no longer programmed. */
    ServedListener named(String name) {
        for (ServedListener listener : listeners) {
            if (listener.name().equals(name)) {
                return listener;
            }
        }
        return null;
    }
}

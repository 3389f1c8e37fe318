package dev.secureingress.embedded.dataplane;

import java.util.List;

/**
 * Desired state of one Gateway: the listeners that are programmable (accepted, not conflicted, with
 * resolved certificates) together with the routes attached to each.
 *
 * @param namespace the Gateway's namespace
 * @param name      the Gateway's name
 * @param listeners the listeners to serve; listeners left out are not served (their SNI is refused)
 */
public record GatewayProgram(String namespace, String name, List<ListenerProgram> listeners) {
    public GatewayProgram {
        listeners = List.copyOf(listeners);
    }
}

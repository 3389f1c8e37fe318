package dev.secureingress.embedded.dataplane;

import java.util.Map;

/**
 * Some listener ports of a Gateway could not be bound. The ports that could be bound are served as
 * programmed ({@link #programmed()}); the controller reports the listeners on the failed ports as not
 * programmed.
 */
public final class GatewayBindException extends RuntimeException {

    private final transient ProgrammedGateway programmed;
    private final Map<Integer, String> failedPorts;

    public GatewayBindException(String gateway, ProgrammedGateway programmed, Map<Integer, String> failedPorts) {
        super("Gateway " + gateway + " could not bind listener ports on " + programmed.address().getHostAddress()
                + ": " + failedPorts + "; free the ports or use PortPolicy.EPHEMERAL");
        this.programmed = programmed;
        this.failedPorts = Map.copyOf(failedPorts);
    }

    /** Where the Gateway's other ports are served. */
    public ProgrammedGateway programmed() {
        return programmed;
    }

    /** Logical listener port to why it could not be bound. */
    public Map<Integer, String> failedPorts() {
        return failedPorts;
    }
}

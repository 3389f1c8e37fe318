package dev.secureingress.embedded.dataplane;

import java.net.InetAddress;
import java.util.Map;

/**
 * Where a programmed Gateway is served.
 *
 * @param address    the Gateway's own address (a distinct loopback address on Linux)
 * @param boundPorts logical listener port to the port actually bound on {@code address}
 */
public record ProgrammedGateway(InetAddress address, Map<Integer, Integer> boundPorts) {
    public ProgrammedGateway {
        boundPorts = Map.copyOf(boundPorts);
    }
}

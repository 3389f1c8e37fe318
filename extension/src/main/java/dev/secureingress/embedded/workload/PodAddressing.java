package dev.secureingress.embedded.workload;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/**
 * Where pods' stand-ins listen.
 *
 * <ul>
 *   <li>{@link #LOOPBACK_RANGE} (default on Linux): every pod gets its own loopback address from
 *       {@code 127.244.0.0/16} and its stand-ins bind the container's real ports there (8080, 5000, 3000),
 *       so Endpoints read {@code podIP:containerPort} as on a real cluster.</li>
 *   <li>{@link #LOCALHOST} (elsewhere: macOS and Windows only route {@code 127.0.0.1}): every pod listens on
 *       {@code 127.0.0.1} on ephemeral ports; {@code status.podIP} is {@code 127.0.0.1} and Endpoints carry the
 *       bound ports instead of the container ports.</li>
 * </ul>
 */
public enum PodAddressing {
    LOOPBACK_RANGE,
    LOCALHOST;

    private static final class Detected {
        static final PodAddressing VALUE = detect();
    }

    /** {@link #LOOPBACK_RANGE} when this machine can bind {@code 127.244.0.0/16} addresses, else {@link #LOCALHOST}. */
    public static PodAddressing forThisMachine() {
        return Detected.VALUE;
    }

    private static PodAddressing detect() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, (byte) 244, (byte) 255, (byte) 254}), 0));
            return LOOPBACK_RANGE;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        } catch (IOException notRoutable) {
            return LOCALHOST;
        }
    }
}

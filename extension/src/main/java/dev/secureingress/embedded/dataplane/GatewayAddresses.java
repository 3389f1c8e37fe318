package dev.secureingress.embedded.dataplane;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Hands every Gateway its own address: on Linux, where all of 127.0.0.0/8 is loopback, a distinct
 * 127.0.x.y starting at 127.0.0.2; elsewhere 127.0.0.1 for all. Shared by all data planes in the JVM so that
 * two embedded clusters never hand out the same Gateway address.
 */
final class GatewayAddresses {

    private static final GatewayAddresses JVM_WIDE = new GatewayAddresses(
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux"));
    private static final int FIRST = 2;
    private static final int LAST = 0xFFFE;

    private final boolean distinct;
    private final Set<Integer> inUse = new HashSet<>();

    private GatewayAddresses(boolean distinct) {
        this.distinct = distinct;
    }

    static GatewayAddresses jvmWide() {
        return JVM_WIDE;
    }

    synchronized InetAddress allocate() {
        if (!distinct) {
            return InetAddress.getLoopbackAddress();
        }
        for (int index = FIRST; index <= LAST; index++) {
            if ((index & 0xFF) != 0 && (index & 0xFF) != 0xFF && inUse.add(index)) {
                return address(index);
            }
        }
        throw new IllegalStateException("all gateway addresses in 127.0.0.0/16 are in use");
    }

    synchronized void release(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (distinct && bytes.length == 4) {
            inUse.remove(((bytes[2] & 0xFF) << 8) | (bytes[3] & 0xFF));
        }
    }

    private static InetAddress address(int index) {
        try {
            return InetAddress.getByAddress(new byte[]{127, 0, (byte) (index >> 8), (byte) index});
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}

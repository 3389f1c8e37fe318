package dev.secureingress.embedded.workload;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out pod addresses from {@code 127.244.0.1} to {@code 127.244.255.254}, JVM-wide (several embedded
 * clusters may run side by side). Each JVM starts at a random point of the range, so that JVMs running at the
 * same time on one machine rarely try the same addresses; addresses are then handed out in rising order and
 * reused only after the range wrapped, so a stopped pod's address is not reused at once.
 */
final class PodAddressPool {

    private static final int FIRST = 1;
    private static final int LAST = 65_534;
    private static final Set<Integer> IN_USE = new HashSet<>();
    private static int next = FIRST + new SecureRandom().nextInt(LAST - FIRST + 1);

    private PodAddressPool() {
    }

    static synchronized InetAddress allocate() {
        for (int tried = 0; tried <= LAST - FIRST; tried++) {
            int candidate = next;
            next = next == LAST ? FIRST : next + 1;
            if (IN_USE.add(candidate)) {
                return toAddress(candidate);
            }
        }
        throw new IllegalStateException("All 65534 pod addresses of 127.244.0.0/16 are in use; delete some pods");
    }

    static synchronized void release(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4 && bytes[0] == 127 && (bytes[1] & 0xff) == 244) {
            IN_USE.remove(((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff));
        }
    }

    private static InetAddress toAddress(int index) {
        try {
            return InetAddress.getByAddress(new byte[] {127, (byte) 244, (byte) (index >> 8), (byte) index});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}

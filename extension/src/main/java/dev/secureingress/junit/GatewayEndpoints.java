package dev.secureingress.junit;

import dev.secureingress.cluster.IngressCluster;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway endpoints a test class reaches, each looked up through {@link IngressCluster#gatewayEndpoint}
 * once and remembered: an endpoint stays put while its Gateway exists, and the lookup is a Kubernetes API
 * call (or more) that every test would otherwise pay for its client. {@link #forget()} drops what is
 * remembered when something could have moved an endpoint (a Gateway or Secret applied, a rotation, a failed
 * test); {@link #refresh} looks up afresh, for waits that watch an endpoint come up. Thread-safe.
 */
final class GatewayEndpoints {

    private final IngressCluster cluster;
    private final Map<Key, InetSocketAddress> known = new ConcurrentHashMap<>();
    /** Bumped by {@link #forget()}, so that a lookup that started before it is not remembered after it. */
    private long generation; // guarded by this

    GatewayEndpoints(IngressCluster cluster) {
        this.cluster = cluster;
    }

    private record Key(String namespace, String gateway, int listenerPort) {
    }

    /** The remembered endpoint of the Gateway's listener port, looked up on first use. */
    InetSocketAddress get(String namespace, String gateway, int listenerPort) {
        InetSocketAddress endpoint = known.get(new Key(namespace, gateway, listenerPort));
        return endpoint != null ? endpoint : refresh(namespace, gateway, listenerPort);
    }

    /** Looks the endpoint up now and remembers it. */
    InetSocketAddress refresh(String namespace, String gateway, int listenerPort) {
        long before;
        synchronized (this) {
            before = generation;
        }
        InetSocketAddress endpoint = cluster.gatewayEndpoint(namespace, gateway, listenerPort);
        synchronized (this) {
            if (generation == before) {
                known.put(new Key(namespace, gateway, listenerPort), endpoint);
            }
        }
        return endpoint;
    }

    /** Forgets every endpoint: the next {@link #get} looks it up again. */
    synchronized void forget() {
        generation++;
        known.clear();
    }
}

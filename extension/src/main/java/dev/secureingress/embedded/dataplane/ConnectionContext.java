package dev.secureingress.embedded.dataplane;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every request on one client connection shares.
 *
 * @param port        the port's listeners, read afresh for every request so routing changes apply at once
 * @param sniListener the listener TLS was terminated for; {@code null} on HTTP ports
 * @param client      the client's address
 * @param http2       whether the connection speaks HTTP/2
 * @param backends    the backend connection pools
 */
record ConnectionContext(AtomicReference<PortListeners> port, String sniListener, InetSocketAddress client,
                         boolean http2, BackendConnections backends) {

    ConnectionContext withHttp2() {
        return new ConnectionContext(port, sniListener, client, true, backends);
    }
}

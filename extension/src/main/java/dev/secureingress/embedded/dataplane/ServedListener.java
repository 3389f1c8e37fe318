package dev.secureingress.embedded.dataplane;

import io.netty.handler.ssl.SslContext;

/**
 * A listener ready to serve: its program, its TLS context (HTTPS only) and its compiled routes.
 *
 * @param program    the listener as programmed
 * @param sslContext the server TLS context; {@code null} for HTTP listeners
 * @param routes     the attached routes in precedence order
 */
record ServedListener(ListenerProgram program, SslContext sslContext, RouteTable routes) {

    String name() {
        return program.name();
    }

    String hostname() {
        return program.hostname();
    }
}

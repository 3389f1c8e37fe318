package dev.secureingress.embedded.dataplane;

import io.netty.handler.ssl.SslContext;

/**
 * A listener ready to serve: its program, its TLS context (HTTPS only) and its compiled routes.
 *
 * @param program    the listener as programmed
 * @param tls        the listener's TLS, prepared; {@code null} for HTTP listeners
 * @param routes     the attached routes in precedence order
 */
record ServedListener(ListenerProgram program, ServerTlsContexts.Prepared tls, RouteTable routes) {

    /** The server TLS context; {@code null} for HTTP listeners. */
    SslContext sslContext() {
        return tls == null ? null : tls.context();
    }

    String name() {
        return program.name();
    }

    String hostname() {
        return program.hostname();
    }
}

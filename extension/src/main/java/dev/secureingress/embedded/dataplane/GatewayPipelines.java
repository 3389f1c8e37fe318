package dev.secureingress.embedded.dataplane;

import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pipelines of client connections: on HTTPS ports the SNI value picks the listener (and so the
 * certificate and client-certificate policy) from the port's current listeners, then ALPN picks HTTP/2 or
 * HTTP/1.1; HTTP ports speak HTTP/1.1.
 */
final class GatewayPipelines extends ChannelInitializer<SocketChannel> {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayPipelines.class);
    private static final long CLIENT_HELLO_TIMEOUT_MILLIS = 10_000;

    private final AtomicReference<PortListeners> port;
    private final BackendConnections backends;
    private final ChannelGroup connections;

    GatewayPipelines(AtomicReference<PortListeners> port, BackendConnections backends, ChannelGroup connections) {
        this.port = port;
        this.backends = backends;
        this.connections = connections;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        connections.add(channel);
        if (port.get().tls()) {
            channel.pipeline().addLast(new ListenerBySni(channel.remoteAddress()));
        } else {
            http1(channel.pipeline(), new ConnectionContext(port, null, channel.remoteAddress(), false, backends));
        }
    }

    private static void http1(ChannelPipeline pipeline, ConnectionContext connection) {
        pipeline.addLast(new HttpServerCodec(), new HttpServerExpectContinueHandler(),
                new HttpServerKeepAliveHandler(), new ProxyRequestHandler(connection));
    }

    private static void http2(ChannelPipeline pipeline, ConnectionContext connection) {
        pipeline.addLast(Http2FrameCodecBuilder.forServer().build(),
                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                                new ProxyRequestHandler(connection));
                    }
                }));
    }

    /**
     * Reads the ClientHello's SNI, looks the listener up in the port's current state and hands the connection
     * to that listener's TLS context. An SNI no listener accepts gets no certificate: the connection is reset.
     */
    private final class ListenerBySni extends AbstractSniHandler<ServedListener> {
        private final InetSocketAddress client;

        ListenerBySni(InetSocketAddress client) {
            super(CLIENT_HELLO_TIMEOUT_MILLIS);
            this.client = client;
        }

        @Override
        protected Future<ServedListener> lookup(ChannelHandlerContext ctx, String sni) {
            PortListeners listeners = port.get();
            ServedListener listener = listeners.forHostname(HostnameMatch.normalize(sni));
            if (listener == null) {
                return ctx.executor().newFailedFuture(new IllegalStateException("no listener of " + listeners.gateway()
                        + " on port " + listeners.logicalPort() + " accepts SNI " + (sni == null ? "(none)" : sni)));
            }
            return ctx.executor().newSucceededFuture(listener);
        }

        @Override
        protected void onLookupComplete(ChannelHandlerContext ctx, String sni, Future<ServedListener> lookup) {
            if (!lookup.isSuccess()) {
                LOG.debug("refusing {}: {}", client, lookup.cause().getMessage());
                resetConnection(ctx);
                return;
            }
            ServedListener listener = lookup.getNow();
            ConnectionContext connection = new ConnectionContext(port, listener.name(), client, false, backends);
            SslHandler tls = listener.sslContext().newHandler(ctx.alloc());
            ctx.pipeline().addAfter(ctx.name(), null, new HttpVersionByAlpn(connection));
            ctx.pipeline().replace(this, "tls", tls);
        }
    }

    /** Closes with a TCP reset, as Envoy does for a connection no filter chain accepts. */
    private static void resetConnection(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            try {
                ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (ChannelException alreadyClosed) {
                // the client closed first; a plain close is all that is left
            }
        }
        ctx.close();
    }

    /** Completes the pipeline with HTTP/2 or HTTP/1.1, as ALPN decided. */
    private static final class HttpVersionByAlpn extends ApplicationProtocolNegotiationHandler {
        private final ConnectionContext connection;

        HttpVersionByAlpn(ConnectionContext connection) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.connection = connection;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                http2(ctx.pipeline(), connection.withHttp2());
            } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
                http1(ctx.pipeline(), connection);
            } else {
                throw new IllegalStateException("unexpected application protocol " + protocol);
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("TLS handshake with {} for listener {} failed: {}", connection.client(),
                    connection.sniListener(), cause.toString());
            ctx.close();
        }
    }
}

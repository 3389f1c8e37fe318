package dev.secureingress.embedded.dataplane;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.AbstractChannelPoolMap;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Keep-alive HTTP/1.1 connections to backend endpoints, pooled per endpoint and per event loop so that a
 * proxied exchange runs on one thread end to end.
 */
final class BackendConnections implements AutoCloseable {

    private final Bootstrap bootstrap;
    private final AbstractChannelPoolMap<PoolKey, SimpleChannelPool> pools;

    BackendConnections(Duration connectTimeout) {
        this.bootstrap = new Bootstrap()
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true);
        this.pools = new AbstractChannelPoolMap<>() {
            @Override
            protected SimpleChannelPool newPool(PoolKey key) {
                return new SimpleChannelPool(bootstrap.clone(key.loop()).remoteAddress(key.endpoint()),
                        new BackendPipeline(), ChannelHealthChecker.ACTIVE, true, true);
            }
        };
    }

    /** A connection to {@code endpoint} on {@code loop}, reused when an idle one is open. */
    Future<Channel> acquire(EventLoop loop, InetSocketAddress endpoint) {
        return pools.get(new PoolKey(loop, endpoint)).acquire();
    }

    /**
     * Gives a connection back after its exchange: pooled when {@code reusable}, else closed. The exchange's
     * response handler is detached either way.
     */
    void release(Channel channel, EventLoop loop, InetSocketAddress endpoint, boolean reusable) {
        channel.pipeline().get(BackendResponseRelay.class).detach();
        if (reusable) {
            pools.get(new PoolKey(loop, endpoint)).release(channel);
        } else {
            channel.close();
        }
    }

    /** Routes what the backend sends on {@code channel} to {@code exchange} until released. */
    static void attach(Channel channel, Exchange exchange) {
        channel.pipeline().get(BackendResponseRelay.class).attach(exchange);
    }

    @Override
    public void close() {
        pools.close();
    }

    private record PoolKey(EventLoop loop, InetSocketAddress endpoint) {
    }

    private static final class BackendPipeline extends AbstractChannelPoolHandler {
        @Override
        public void channelCreated(Channel channel) {
            channel.pipeline().addLast(new HttpClientCodec(), new BackendResponseRelay());
        }

        @Override
        public void channelReleased(Channel channel) {
            channel.config().setAutoRead(true);
        }
    }

    /** Receives what a backend sends and hands it to the exchange the connection currently serves. */
    interface Exchange {
        void onBackendMessage(HttpObject message);

        void onBackendClosed(Throwable cause);

        void onBackendWritabilityChanged(boolean writable);
    }

    /** The last handler of a backend connection: relays to the attached {@link Exchange}. */
    private static final class BackendResponseRelay extends ChannelInboundHandlerAdapter {
        private Exchange exchange;
        private Throwable failure;

        void attach(Exchange exchange) {
            this.exchange = exchange;
        }

        void detach() {
            this.exchange = null;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (exchange != null && msg instanceof HttpObject object) {
                exchange.onBackendMessage(object);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (exchange != null) {
                exchange.onBackendWritabilityChanged(ctx.channel().isWritable());
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure = cause;
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Exchange closed = exchange;
            exchange = null;
            if (closed != null) {
                closed.onBackendClosed(failure);
            }
            ctx.fireChannelInactive();
        }
    }
}

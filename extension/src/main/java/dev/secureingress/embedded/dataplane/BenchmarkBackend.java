package dev.secureingress.embedded.dataplane;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The backend of the gateway benchmark: answers every request with a small body, on a plain HTTP port (what the
 * gateway proxies to) and on an HTTPS port with the same TLS stack as the gateway (the direct comparison).
 */
final class BenchmarkBackend implements AutoCloseable {

    private static final byte[] BODY = "ok\n".getBytes(StandardCharsets.UTF_8);

    private final EventLoopGroup group;
    private final Channel plain;
    private final Channel tls;

    BenchmarkBackend(SslContext serverTls, int threads) {
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("bench-backend", true),
                NioIoHandler.newFactory());
        this.plain = bind(null);
        this.tls = bind(serverTls);
    }

    InetSocketAddress plainAddress() {
        return (InetSocketAddress) plain.localAddress();
    }

    InetSocketAddress tlsAddress() {
        return (InetSocketAddress) tls.localAddress();
    }

    private Channel bind(SslContext sslContext) {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (sslContext != null) {
                            channel.pipeline().addLast(sslContext.newHandler(channel.alloc()));
                        }
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new SmallAnswer());
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).syncUninterruptibly().channel();
    }

    @Override
    public void close() {
        plain.close();
        tls.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    private static final class SmallAnswer extends SimpleChannelInboundHandler<HttpObject> {
        private boolean keepAlive;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
            if (message instanceof HttpRequest request) {
                keepAlive = HttpUtil.isKeepAlive(request);
            }
            if (message instanceof LastHttpContent) {
                ByteBuf body = Unpooled.wrappedBuffer(BODY);
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
                HttpUtil.setContentLength(response, BODY.length);
                HttpUtil.setKeepAlive(response, keepAlive);
                ctx.writeAndFlush(response);
            }
        }
    }
}

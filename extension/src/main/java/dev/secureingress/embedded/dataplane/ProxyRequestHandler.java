package dev.secureingress.embedded.dataplane;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Serves the requests of one HTTP/1.1 connection or one HTTP/2 stream: routes each request and either
 * answers it or streams it to a backend endpoint and the response back, one exchange at a time.
 *
 * <p>Bodies are streamed both ways with back-pressure (a side that cannot write stops the other from reading).
 * Pipelined HTTP/1.1 requests wait until the exchange before them is complete.
 */
final class ProxyRequestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyRequestHandler.class);

    private final ConnectionContext connection;
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Exchange current;
    private boolean draining;

    ProxyRequestHandler(ConnectionContext connection) {
        this.connection = connection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (current != null && current.requestComplete) {
            queued.add(msg);
            return;
        }
        dispatch(msg);
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest request) {
            if (current != null) {
                LOG.debug("{}: a new request arrived before the previous request's body ended; closing",
                        connection.client());
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            current = new Exchange(request);
            current.start();
        }
        if (msg instanceof HttpContent content) {
            HttpContent body = msg instanceof FullHttpRequest full
                    ? new DefaultLastHttpContent(full.content(), full.trailingHeaders()) : content;
            if (current == null) {
                body.release();
            } else {
                current.onRequestContent(body);
            }
        } else if (!(msg instanceof HttpRequest)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void exchangeDone(Exchange exchange) {
        if (current != exchange) {
            return;
        }
        current = null;
        ctx.channel().config().setAutoRead(true);
        if (draining) {
            return;
        }
        draining = true;
        try {
            while (!queued.isEmpty() && (current == null || !current.requestComplete)) {
                dispatch(queued.poll());
            }
        } finally {
            draining = false;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null && current.backend != null) {
            current.backend.config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (current != null) {
            current.abort();
        }
        queued.forEach(ReferenceCountUtil::release);
        queued.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{}: closing the connection after {}", connection.client(), cause.toString());
        ctx.close();
    }

    /** One request and its response. */
    private final class Exchange implements BackendConnections.Exchange {
        private final HttpRequest request;
        private final List<HttpContent> pendingBody = new ArrayList<>();
        private RouteDecision.Forward forward;
        private Channel backend;
        private ScheduledFuture<?> timeout;
        private boolean requestComplete;
        private boolean requestSent;
        private boolean answeredLocally;
        private boolean responseStarted;
        private boolean responseComplete;
        private boolean backendKeepAlive;
        private boolean skippingInformational;
        private boolean finished;
        private long forwardedAtNanos;

        Exchange(HttpRequest request) {
            this.request = request;
        }

        void start() {
            RouteDecision decision;
            try {
                decision = GatewayRouter.decide(connection.port().get(), connection.sniListener(), request,
                        connection.client());
            } catch (RuntimeException e) {
                LOG.warn("routing {} {} failed", request.method(), request.uri(), e);
                decision = RouteDecision.Reply.of(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                        "routing failed: " + e.getMessage());
            }
            if (decision instanceof RouteDecision.Reply reply) {
                answerLocally(reply);
                return;
            }
            forward = (RouteDecision.Forward) decision;
            frameBody(forward.request());
            if (forward.timeout() != null && !forward.timeout().isZero()) {
                timeout = ctx.executor().schedule(this::onTimeout, forward.timeout().toNanos(), TimeUnit.NANOSECONDS);
            }
            Future<Channel> connecting = connection.backends().acquire(ctx.channel().eventLoop(), forward.endpoint());
            connecting.addListener(done -> onBackendConnected(connecting));
        }

        /** Chooses how the forwarded request's body is delimited towards the backend. */
        private void frameBody(HttpRequest upstream) {
            if (request instanceof FullHttpRequest full) {
                upstream.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
                int length = full.content().readableBytes();
                if (length > 0 || HttpUtil.isContentLengthSet(request)) {
                    HttpUtil.setContentLength(upstream, length);
                }
            } else if (connection.http2() && !HttpUtil.isContentLengthSet(request)) {
                HttpUtil.setTransferEncodingChunked(upstream, true);
            }
        }

        private void onBackendConnected(Future<Channel> connected) {
            if (!connected.isSuccess()) {
                if (!finished) {
                    failBeforeResponse(HttpResponseStatus.SERVICE_UNAVAILABLE,
                            RouteDecision.Reply.UPSTREAM_RESET + "connection failure", "cannot connect to backend "
                            + forward.backend() + " at " + forward.endpoint() + ": " + connected.cause().getMessage());
                }
                return;
            }
            Channel channel = connected.getNow();
            if (finished) {
                connection.backends().release(channel, ctx.channel().eventLoop(), forward.endpoint(), true);
                return;
            }
            backend = channel;
            BackendConnections.attach(channel, this);
            forwardedAtNanos = System.nanoTime();
            channel.write(forward.request());
            for (HttpContent content : pendingBody) {
                requestSent |= content instanceof LastHttpContent;
                channel.write(content);
            }
            pendingBody.clear();
            channel.flush();
            if (!requestComplete && !channel.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        void onRequestContent(HttpContent content) {
            boolean last = content instanceof LastHttpContent;
            if (answeredLocally || finished) {
                content.release();
            } else if (backend == null) {
                pendingBody.add(content);
            } else {
                backend.writeAndFlush(content);
                requestSent |= last;
                if (!last && !backend.isWritable()) {
                    ctx.channel().config().setAutoRead(false);
                }
            }
            if (last) {
                requestComplete = true;
                if (responseComplete) {
                    finish();
                } else {
                    ctx.channel().config().setAutoRead(false);
                }
            }
        }

        @Override
        public void onBackendMessage(HttpObject message) {
            if (message instanceof HttpResponse response) {
                if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL
                        && response.status().code() != HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
                    skippingInformational = true;
                } else {
                    respond(response);
                }
            }
            if (message instanceof HttpContent content) {
                if (skippingInformational) {
                    skippingInformational = !(content instanceof LastHttpContent);
                    content.release();
                    return;
                }
                ctx.writeAndFlush(content);
                if (content instanceof LastHttpContent) {
                    responseComplete = true;
                    releaseBackend(requestSent && backendKeepAlive);
                    if (requestComplete) {
                        finish();
                    }
                } else if (!ctx.channel().isWritable()) {
                    backend.config().setAutoRead(false);
                }
            }
        }

        private void respond(HttpResponse response) {
            responseStarted = true;
            backendKeepAlive = HttpUtil.isKeepAlive(response);
            HttpHeaders headers = new DefaultHttpHeaders().add(response.headers());
            headers.remove(HttpHeaderNames.CONNECTION);
            headers.remove(HttpHeaderNames.KEEP_ALIVE);
            EnvoyHeaders.onForwardedResponse(headers,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - forwardedAtNanos));
            for (HTTPHeaderFilter modifier : forward.responseModifiers()) {
                RouteFilters.modifyHeaders(modifier, headers);
            }
            HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status(), headers);
            boolean delimited = HttpUtil.isContentLengthSet(out) || HttpUtil.isTransferEncodingChunked(out);
            if (!connection.http2() && !delimited && request.protocolVersion().equals(HttpVersion.HTTP_1_1)
                    && !request.method().equals(HttpMethod.HEAD)) {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
            ctx.write(out);
        }

        @Override
        public void onBackendClosed(Throwable cause) {
            backend = null;
            if (finished || responseComplete) {
                return;
            }
            String why = cause == null ? "closed the connection" : "failed: " + cause.getMessage();
            if (!responseStarted) {
                failBeforeResponse(HttpResponseStatus.SERVICE_UNAVAILABLE,
                        RouteDecision.Reply.UPSTREAM_RESET + "connection termination", "backend " + forward.backend()
                        + " at " + forward.endpoint() + " " + why + " before responding");
            } else {
                LOG.debug("backend {} {} in the middle of a response; closing the client's stream", forward.backend(), why);
                abort();
                ctx.close();
            }
        }

        @Override
        public void onBackendWritabilityChanged(boolean writable) {
            if (!requestComplete) {
                ctx.channel().config().setAutoRead(writable);
            }
        }

        private void onTimeout() {
            if (finished || responseComplete) {
                return;
            }
            if (!responseStarted) {
                failBeforeResponse(HttpResponseStatus.GATEWAY_TIMEOUT, RouteDecision.Reply.UPSTREAM_TIMEOUT,
                        "backend " + forward.backend() + " did not respond within the route's request timeout of "
                        + forward.timeout());
            } else {
                LOG.debug("backend {} exceeded the request timeout in the middle of a response", forward.backend());
                abort();
                ctx.close();
            }
        }

        private void failBeforeResponse(HttpResponseStatus status, String body, String reason) {
            releaseBackend(false);
            answerLocally(RouteDecision.Reply.of(status, body, reason));
        }

        private void answerLocally(RouteDecision.Reply reply) {
            answeredLocally = true;
            pendingBody.forEach(ReferenceCountUtil::release);
            pendingBody.clear();
            if (reply.status().code() >= 500) {
                LOG.info("{} {}{} answered {} by the gateway: {}", request.method(), RequestView.of(request).host(),
                        request.uri(), reply.status().code(), reply.reason());
            } else {
                LOG.debug("{} {}{} answered {} by the gateway: {}", request.method(), RequestView.of(request).host(),
                        request.uri(), reply.status().code(), reply.reason());
            }
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(),
                    Unpooled.wrappedBuffer(body));
            response.headers().add(reply.headers());
            if (body.length > 0) {
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
            }
            EnvoyHeaders.onLocalReply(response.headers());
            HttpUtil.setContentLength(response, body.length);
            ctx.writeAndFlush(response);
            responseStarted = true;
            responseComplete = true;
            cancelTimeout();
            if (requestComplete) {
                finish();
            }
        }

        private void releaseBackend(boolean reusable) {
            if (backend != null) {
                Channel channel = backend;
                backend = null;
                connection.backends().release(channel, ctx.channel().eventLoop(), forward.endpoint(), reusable);
            }
        }

        private void cancelTimeout() {
            if (timeout != null) {
                timeout.cancel(false);
            }
        }

        private void finish() {
            finished = true;
            cancelTimeout();
            exchangeDone(this);
        }

        /** The client went away, or the exchange cannot complete: drop everything without reuse. */
        void abort() {
            finished = true;
            cancelTimeout();
            releaseBackend(false);
            pendingBody.forEach(ReferenceCountUtil::release);
            pendingBody.clear();
        }
    }
}

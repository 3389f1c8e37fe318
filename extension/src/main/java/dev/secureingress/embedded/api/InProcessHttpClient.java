package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.StandardHttpClient;
import io.fabric8.kubernetes.client.http.StandardHttpClientBuilder;
import io.fabric8.kubernetes.client.http.StandardHttpHeaders;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.fabric8.kubernetes.client.http.StandardWebSocketBuilder;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.kubernetes.client.http.WebSocketHandshakeException;
import io.fabric8.kubernetes.client.http.WebSocketResponse;
import io.fabric8.kubernetes.client.http.WebSocketUpgradeResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fabric8 HTTP client of the embedded API server for code in the same JVM: each request is answered by the
 * server's dispatcher ({@link InProcessTransport#dispatchAsync}), each watch is an {@link InProcessWatch}.
 * Everything above the HTTP client (informers, retries, serialisation) is fabric8's own. Made by
 * {@link InProcessTransport}.
 */
final class InProcessHttpClient
        extends StandardHttpClient<InProcessHttpClient, InProcessTransport, InProcessHttpClient.Builder> {

    private final InProcessTransport transport;
    /** The watches this client (and the clients derived from it) opened; they end when it is closed. */
    private final Set<InProcessWatch> watches;

    private InProcessHttpClient(Builder builder, AtomicBoolean closed, Set<InProcessWatch> watches) {
        super(builder, closed);
        this.transport = builder.transport();
        this.watches = watches;
    }

    @Override
    public CompletableFuture<HttpResponse<AsyncBody>> consumeBytesDirect(StandardHttpRequest request,
            AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        RecordedRequest recorded;
        try {
            recorded = recorded(request);
        } catch (RuntimeException unreadable) {
            return CompletableFuture.failedFuture(unreadable);
        }
        if (ApiRequestDispatcher.isWatch(recorded)) {
            // fabric8 clients watch over WebSockets; a plain request that asks to watch is not answered by a stream
            return CompletableFuture.completedFuture(new DispatchedResponse(request,
                    ApiErrors.badRequest("in-process clients watch over a WebSocket; cannot stream " + request.uri()),
                    consumer));
        }
        return transport.dispatchAsync(recorded).thenApply(answer -> new DispatchedResponse(request, answer, consumer));
    }

    @Override
    public CompletableFuture<WebSocketResponse> buildWebSocketDirect(StandardWebSocketBuilder builder,
            WebSocket.Listener listener) {
        StandardHttpRequest request = builder.asHttpRequest();
        try {
            RecordedRequest recorded = recorded(request);
            MockResponse answer = transport.dispatch(recorded);
            if (answer.getWebSocketListener() == null) {
                WebSocketUpgradeResponse refused = new WebSocketUpgradeResponse(request, answer.code(),
                        answer.getHeaders().toMultimap());
                return CompletableFuture.completedFuture(
                        new WebSocketResponse(refused, new WebSocketHandshakeException(refused)));
            }
            InProcessWatch watch = new InProcessWatch(recorded, answer.getWebSocketListener(), listener);
            try {
                transport.opened(watch);
            } catch (ConnectException refused) {
                watch.ended(1001, "the embedded API server is closed");
                throw refused;
            }
            watches.removeIf(WatchTransport::hasEnded);
            watches.add(watch);
            if (getClosed().get()) {
                // closed while the watch opened: end it as the close would have
                watch.clientEnd().sendClose(1001, "the client is closed");
            }
            listener.onOpen(watch.clientEnd());
            answer.getWebSocketListener().onOpen(watch, answer);
            // like a socket's first read, the first event arrives after the caller has the WebSocket in hand
            WatchTransport.runApart(watch::start);
            return CompletableFuture.completedFuture(
                    new WebSocketResponse(new WebSocketUpgradeResponse(request, 101), watch.clientEnd()));
        } catch (IOException | RuntimeException failure) {
            return CompletableFuture.failedFuture(failure);
        }
    }

    private static RecordedRequest recorded(StandardHttpRequest request) {
        return InProcessTransport.recorded(request.method(), request.uri(), request.headers(), request.getContentType(),
                body(request));
    }

    private static byte[] body(StandardHttpRequest request) {
        StandardHttpRequest.BodyContent body = request.body();
        if (body instanceof StandardHttpRequest.StringBodyContent text) {
            return text.getContent().getBytes(StandardCharsets.UTF_8);
        }
        if (body instanceof StandardHttpRequest.ByteArrayBodyContent bytes) {
            return bytes.getContent();
        }
        if (body instanceof StandardHttpRequest.InputStreamBodyContent stream) {
            try {
                return stream.getContent().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the body of " + request.method() + " " + request.uri(), e);
            }
        }
        return null;
    }

    @Override
    protected void doClose() {
        // as when a client's connections drop: the server forgets the watches, their listeners hear of the end
        for (InProcessWatch watch : List.copyOf(watches)) {
            watch.clientEnd().sendClose(1001, "the client is closed");
        }
    }

    /** The dispatcher's answer to one request; its body is handed to the consumer when fabric8 asks for it. */
    private static final class DispatchedResponse extends StandardHttpHeaders implements HttpResponse<AsyncBody> {

        private final HttpRequest request;
        private final int code;
        private final AsyncBody body;

        DispatchedResponse(HttpRequest request, MockResponse answer, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
            super(answer.getHeaders().toMultimap());
            this.request = request;
            this.code = answer.code();
            byte[] bytes = answer.getBody() == null ? new byte[0] : answer.getBody().getBytes();
            this.body = new WholeBody(bytes, consumer);
        }

        @Override
        public int code() {
            return code;
        }

        @Override
        public AsyncBody body() {
            return body;
        }

        @Override
        public HttpRequest request() {
            return request;
        }

        @Override
        public Optional<HttpResponse<?>> previousResponse() {
            return Optional.empty();
        }
    }

    /** A body that is already complete: the first {@link #consume()} hands all of it over and ends it. */
    private static final class WholeBody implements AsyncBody {

        private final byte[] bytes;
        private final AsyncBody.Consumer<List<ByteBuffer>> consumer;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final AtomicBoolean consumed = new AtomicBoolean();

        WholeBody(byte[] bytes, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
            this.bytes = bytes;
            this.consumer = consumer;
        }

        @Override
        public void consume() {
            if (!consumed.compareAndSet(false, true)) {
                return;
            }
            try {
                if (bytes.length > 0) {
                    consumer.consume(List.of(ByteBuffer.wrap(bytes)), this);
                }
                done.complete(null);
            } catch (Exception failure) {
                done.completeExceptionally(failure);
            }
        }

        @Override
        public CompletableFuture<Void> done() {
            return done;
        }

        @Override
        public void cancel() {
            done.cancel(false);
        }
    }

    /** Builds in-process clients; settings for sockets and TLS are kept but have nothing to act on. */
    static final class Builder extends StandardHttpClientBuilder<InProcessHttpClient, InProcessTransport, Builder> {

        Builder(InProcessTransport transport) {
            super(transport);
        }

        InProcessTransport transport() {
            return clientFactory;
        }

        @Override
        protected Builder newInstance(InProcessTransport transport) {
            return new Builder(transport);
        }

        @Override
        public InProcessHttpClient build() {
            return client == null ? new InProcessHttpClient(this, new AtomicBoolean(), ConcurrentHashMap.newKeySet())
                    : new InProcessHttpClient(this, client.getClosed(), client.watches);
        }
    }
}

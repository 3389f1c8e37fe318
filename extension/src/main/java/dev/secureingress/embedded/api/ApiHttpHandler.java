package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.fabric8.mockwebserver.vertx.ServerWebSocketHandler;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves the API over Vert.x: turns each request into the mock web server's {@link RecordedRequest}, lets the
 * {@link Dispatcher} answer, and writes the answer back.
 *
 * <p>Watches come in two flavours. fabric8 clients upgrade to a WebSocket, which the mock web server's own
 * {@link ServerWebSocketHandler} serves. kubectl and other Go clients keep a plain HTTP request open and read
 * one JSON watch event per line; {@link StreamingWatch} feeds the same watch listener into such a response.
 */
final class ApiHttpHandler implements Handler<HttpServerRequest> {

    private final Dispatcher dispatcher;

    ApiHttpHandler(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (isWebSocketUpgrade(request)) {
            // Upgrade synchronously, before the (empty) request body is read.
            RecordedRequest recorded = recorded(request, null);
            MockResponse response = dispatcher.dispatch(recorded);
            if (response.getWebSocketListener() != null) {
                request.toWebSocket()
                        .onSuccess(new ServerWebSocketHandler(recorded, response))
                        .onFailure(failure -> fail(request, failure));
            } else {
                send(request, response);
            }
            return;
        }
        Context context = Vertx.currentContext();
        request.body()
                .onFailure(failure -> fail(request, failure))
                .onSuccess(body -> {
                    RecordedRequest recorded = recorded(request, body.length() == 0 ? null : body.getBytes());
                    // Off the event loop, one request at a time (ordered): a slow request (a cold JVM's first
                    // serialisation, a large list) never holds up other clients' connects and TLS handshakes.
                    context.executeBlocking(() -> dispatcher.dispatch(recorded), true)
                            .onFailure(failure -> fail(request, failure))
                            .onSuccess(response -> {
                                if (response.getWebSocketListener() != null) {
                                    new StreamingWatch(recorded, request.response(), response.getWebSocketListener()).open();
                                } else {
                                    send(request, response);
                                }
                            });
                });
    }

    private static RecordedRequest recorded(HttpServerRequest request, byte[] body) {
        return new RecordedRequest(request.version().alpnName().toUpperCase(Locale.ROOT),
                HttpMethod.fromVertx(request.method()), request.uri(),
                Headers.builder().addAll(request.headers()).build(), new Buffer(body));
    }

    private static void send(HttpServerRequest request, MockResponse response) {
        HttpServerResponse out = request.response();
        out.setStatusCode(response.code());
        response.getHeaders().toMultimap().forEach((name, values) -> out.headers().add(name, values));
        if (response.getBody() != null && response.getBody().size() > 0) {
            out.end(io.vertx.core.buffer.Buffer.buffer(response.getBody().getBytes()));
        } else {
            out.end();
        }
    }

    private static void fail(HttpServerRequest request, Throwable failure) {
        if (!request.response().headWritten()) {
            request.response().setStatusCode(500).end(String.valueOf(failure.getMessage()));
        }
    }

    private static boolean isWebSocketUpgrade(HttpServerRequest request) {
        String upgrade = request.getHeader("Upgrade");
        return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
    }

    /** A watch over a long-lived chunked HTTP response: one JSON watch event per line, as Go clients expect. */
    private static final class StreamingWatch implements WebSocket {

        private final RecordedRequest request;
        private final HttpServerResponse response;
        private final WebSocketListener listener;
        private final AtomicBoolean closed = new AtomicBoolean();

        StreamingWatch(RecordedRequest request, HttpServerResponse response, WebSocketListener listener) {
            this.request = request;
            this.response = response;
            this.listener = listener;
        }

        void open() {
            response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/json");
            response.closeHandler(ignored -> stop(1000, "client went away"));
            response.writeHead();
            listener.onOpen(this, new MockResponse().setResponseCode(200));
        }

        @Override
        public RecordedRequest request() {
            return request;
        }

        @Override
        public boolean send(String text) {
            if (closed.get()) {
                return false;
            }
            response.write(text + "\n");
            return true;
        }

        @Override
        public boolean send(byte[] bytes) {
            return send(new String(bytes, StandardCharsets.UTF_8));
        }

        @Override
        public boolean close(int code, String reason) {
            if (closed.compareAndSet(false, true)) {
                response.end();
                return true;
            }
            return false;
        }

        private void stop(int code, String reason) {
            if (closed.compareAndSet(false, true)) {
                listener.onClosed(this, code, reason);
            }
        }
    }
}

package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Serves the API over Vert.x: turns each request into the mock web server's {@link RecordedRequest}, lets the
 * {@link Dispatcher} answer, and writes the answer back.
 *
 * <p>Watches come in two flavours, both fed by the dispatcher's watch listener: fabric8 clients upgrade to a
 * WebSocket ({@link WebSocketWatch}); kubectl and other Go clients keep a plain HTTP request open and read one
 * JSON watch event per line ({@link ChunkedWatch}).
 */
final class ApiHttpHandler implements Handler<HttpServerRequest> {

    private final CompletableFuture<? extends Dispatcher> dispatcher;

    /** Serves what {@code dispatcher} answers; a request that comes before it is ready waits for it. */
    ApiHttpHandler(CompletableFuture<? extends Dispatcher> dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (isWebSocketUpgrade(request)) {
            // Upgrade synchronously, before the (empty) request body is read.
            RecordedRequest recorded = recorded(request, null);
            MockResponse response = dispatcher.join().dispatch(recorded);
            if (response.getWebSocketListener() != null) {
                request.toWebSocket()
                        .onSuccess(socket -> WebSocketWatch.open(recorded, response, socket))
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
                    context.executeBlocking(() -> dispatcher.join().dispatch(recorded), true)
                            .onFailure(failure -> fail(request, failure))
                            .onSuccess(response -> {
                                if (response.getWebSocketListener() != null) {
                                    ChunkedWatch.open(recorded, response, request.response());
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
}

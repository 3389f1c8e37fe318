package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.vertx.core.http.HttpServerResponse;

/**
 * A watch over a long-lived chunked HTTP response: one JSON watch event per line, as Go clients expect. The server
 * ends it by ending the response, which a Go client reads as the end of its watch; writes and that end take turns,
 * so that nothing is written to an ended response.
 */
final class ChunkedWatch extends WatchTransport {

    private final HttpServerResponse response;

    private ChunkedWatch(RecordedRequest request, WebSocketListener listener, HttpServerResponse response) {
        super(request, listener);
        this.response = response;
    }

    /** Starts the streaming {@code response} and opens the watch of {@code answer}'s listener on it. */
    static void open(RecordedRequest request, MockResponse answer, HttpServerResponse response) {
        ChunkedWatch watch = new ChunkedWatch(request, answer.getWebSocketListener(), response);
        response.setStatusCode(200).setChunked(true).putHeader("Content-Type", "application/json");
        response.closeHandler(ignored -> watch.ended(1000, "client went away"));
        response.writeHead();
        watch.listener.onOpen(watch, new MockResponse().setResponseCode(200));
    }

    @Override
    protected synchronized void write(String event) {
        if (!hasEnded()) {
            response.write(event + "\n");
        }
    }

    @Override
    public synchronized boolean close(int code, String reason) {
        if (hasEnded()) {
            return false;
        }
        ended(code, reason);
        response.end();
        return true;
    }
}

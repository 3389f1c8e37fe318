package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.vertx.core.http.ServerWebSocket;

/** A watch over a WebSocket, as fabric8 clients open them: one text message per watch event. */
final class WebSocketWatch extends WatchTransport {

    private final ServerWebSocket socket;

    private WebSocketWatch(RecordedRequest request, WebSocketListener listener, ServerWebSocket socket) {
        super(request, listener);
        this.socket = socket;
    }

    /** Connects {@code listener} to the upgraded {@code socket} and opens the watch. */
    static void open(RecordedRequest request, MockResponse response, ServerWebSocket socket) {
        WebSocketListener listener = response.getWebSocketListener();
        WebSocketWatch watch = new WebSocketWatch(request, listener, socket);
        socket.textMessageHandler(text -> listener.onMessage(watch, text));
        socket.closeHandler(ignored -> watch.ended(
                socket.closeStatusCode() == null ? 1000 : socket.closeStatusCode(), socket.closeReason()));
        socket.exceptionHandler(failure -> watch.ended(1011, String.valueOf(failure.getMessage())));
        listener.onOpen(watch, response);
    }

    @Override
    protected void write(String event) {
        socket.writeTextMessage(event);
    }

    /** The server ends the watch: nothing is sent after the close frame; the listener hears of the end at once. */
    @Override
    public boolean close(int code, String reason) {
        if (hasEnded() || socket.isClosed()) {
            return false;
        }
        ended(code, reason);
        socket.close((short) code, reason);
        return true;
    }
}

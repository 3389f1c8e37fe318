package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;

/** A watch's socket that hands everything to another; subclasses change what they override. */
abstract class ForwardingWatchSocket implements WebSocket {

    private final WebSocket socket;

    ForwardingWatchSocket(WebSocket socket) {
        this.socket = socket;
    }

    @Override
    public RecordedRequest request() {
        return socket.request();
    }

    @Override
    public boolean send(String text) {
        return socket.send(text);
    }

    @Override
    public boolean send(byte[] bytes) {
        return socket.send(bytes);
    }

    @Override
    public boolean close(int code, String reason) {
        return socket.close(code, reason);
    }
}

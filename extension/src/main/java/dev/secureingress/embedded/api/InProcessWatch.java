package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A watch between the dispatcher's watch listener and a client in the same JVM: each event the server sends is
 * handed to the client's {@link WebSocket.Listener} as a text message, in order, as fast as the client asks for
 * them. A WebSocket client reads one message, handles it and then asks for the next ({@link WebSocket#request()});
 * until it asks, later events wait in a queue. Either side may close; the other hears of it once. The client's
 * listener is called by one thread at a time and hears nothing after the close.
 */
final class InProcessWatch extends WatchTransport {

    /** A message for the client, or (null text) the close that ends the queue. */
    private record Frame(String text, int code, String reason) {
    }

    private final WebSocket.Listener client;
    private final ClientEnd clientEnd = new ClientEnd();
    private final Queue<Frame> frames = new ConcurrentLinkedQueue<>();
    /** Messages the client asked for and has not received yet; none until the watch has started. */
    private final AtomicInteger demand = new AtomicInteger();
    private final AtomicBoolean delivering = new AtomicBoolean();
    private final AtomicBoolean clientClosed = new AtomicBoolean();

    InProcessWatch(RecordedRequest request, WebSocketListener server, WebSocket.Listener client) {
        super(request, server);
        this.client = client;
    }

    /** The client's end of the watch: what fabric8's watch manager reads from and closes. */
    WebSocket clientEnd() {
        return clientEnd;
    }

    /** Delivers the first event (and each later one the client asks for); until then events only queue. */
    void start() {
        clientEnd.request();
    }

    @Override
    protected void write(String event) {
        if (!clientClosed.get()) {
            frames.add(new Frame(event, 0, null));
            deliver();
        }
    }

    /** The server closes the watch: the client reads the events sent before, then hears of the close. */
    @Override
    public boolean close(int code, String reason) {
        if (hasEnded()) {
            return false;
        }
        ended(code, reason);
        frames.add(new Frame(null, code, reason));
        deliver();
        return true;
    }

    /**
     * Hands queued frames to the client while it asks for messages. One thread delivers at a time; a client that
     * asks for the next message from inside {@code onMessage} gets it from the loop it is called from.
     */
    private void deliver() {
        while (deliverable() && delivering.compareAndSet(false, true)) {
            try {
                for (Frame next = frames.peek(); next != null && (next.text() == null || demand.get() > 0);
                        next = frames.peek()) {
                    frames.poll();
                    if (next.text() == null) {
                        frames.clear();
                        closeClient(next.code(), next.reason());
                    } else if (!clientClosed.get()) {
                        demand.decrementAndGet();
                        handOver(next.text());
                    }
                }
            } finally {
                delivering.set(false);
            }
        }
    }

    /** True when the next frame may go: a close always, a message when the client asked for one. */
    private boolean deliverable() {
        Frame next = frames.peek();
        return next != null && (next.text() == null || demand.get() > 0);
    }

    private void handOver(String event) {
        try {
            client.onMessage(clientEnd, event);
        } catch (RuntimeException failure) {
            client.onError(clientEnd, failure);
        }
    }

    /** Called by the delivering thread only, so that the close never overlaps a message. */
    private void closeClient(int code, String reason) {
        if (clientClosed.compareAndSet(false, true)) {
            client.onClose(clientEnd, code, reason);
        }
    }

    /** The fabric8 side: asks for messages, closes; it sends nothing a watch reads. */
    private final class ClientEnd implements WebSocket {

        @Override
        public boolean send(ByteBuffer message) {
            if (hasEnded()) {
                return false;
            }
            listener.onMessage(InProcessWatch.this, StandardCharsets.UTF_8.decode(message).toString());
            return true;
        }

        /** The client closes: both listeners hear of it, each on a thread of its own, as over a network. */
        @Override
        public boolean sendClose(int code, String reason) {
            if (hasEnded()) {
                return false;
            }
            ended(code, reason);
            frames.clear();
            frames.add(new Frame(null, code, reason));
            runApart(InProcessWatch.this::deliver);
            return true;
        }

        @Override
        public long queueSize() {
            return 0;
        }

        @Override
        public void request() {
            demand.incrementAndGet();
            deliver();
        }
    }
}

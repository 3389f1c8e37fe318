package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How one watch's events reach its client: the CRUD dispatcher's watch listener sends each event through
 * {@link #send(String)} and is told once, by {@link #ended}, that the client went away.
 *
 * <p>Two rules keep the server's event loop free. Sending never waits for the write to complete, and the
 * listener hears of the end on a thread of its own: the listener drains its pending sends before it returns,
 * and those sends complete on the very event loop that reported the end.
 */
abstract class WatchTransport implements WebSocket {

    /**
     * Where news from the other end runs, such as a listener hearing that its watch ended; idle threads go after a
     * minute.
     */
    private static final ExecutorService APART = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "embedded-api-watch");
        thread.setDaemon(true);
        return thread;
    });

    private final RecordedRequest request;
    protected final WebSocketListener listener;
    private final AtomicBoolean ended = new AtomicBoolean();

    WatchTransport(RecordedRequest request, WebSocketListener listener) {
        this.request = request;
        this.listener = listener;
    }

    @Override
    public final RecordedRequest request() {
        return request;
    }

    /** True once the client went away or the server closed the watch. */
    protected final boolean hasEnded() {
        return ended.get();
    }

    /** Sends one watch event, unless the watch ended; never waits for the write to complete. */
    @Override
    public final boolean send(String event) {
        if (hasEnded()) {
            return false;
        }
        write(event);
        return true;
    }

    @Override
    public final boolean send(byte[] event) {
        return send(new String(event, StandardCharsets.UTF_8));
    }

    /** Writes one event to the client without waiting for the write. */
    protected abstract void write(String event);

    /** Tells the listener, once and off the calling thread, that the watch ended. */
    protected final void ended(int code, String reason) {
        if (ended.compareAndSet(false, true)) {
            runApart(() -> listener.onClosed(this, code, reason));
        }
    }

    /** Runs {@code task} on a thread of its own, as news from the other end of a connection arrives. */
    protected static void runApart(Runnable task) {
        APART.execute(task);
    }
}

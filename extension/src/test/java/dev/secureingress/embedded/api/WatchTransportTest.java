package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class WatchTransportTest {

    /**
     * The CRUD dispatcher's listener drains its pending sends when told a watch ended, and those sends complete on
     * the event loop that reports the end: the report must not wait for the listener.
     */
    @Test
    void theListenerHearsOfTheEndOnAThreadOfItsOwnAndOnlyOnce() throws Exception {
        CountDownLatch listenerMayReturn = new CountDownLatch(1);
        CountDownLatch listenerCalled = new CountDownLatch(1);
        AtomicInteger endings = new AtomicInteger();
        List<Thread> listenerThreads = new CopyOnWriteArrayList<>();
        WebSocketListener drainingListener = new WebSocketListener() {
            @Override
            public void onClosed(WebSocket webSocket, int code, String reason) {
                endings.incrementAndGet();
                listenerThreads.add(Thread.currentThread());
                listenerCalled.countDown();
                try {
                    listenerMayReturn.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        RecordingWatch watch = new RecordingWatch(drainingListener);
        assertThat(watch.send("{\"type\":\"ADDED\"}")).isTrue();

        watch.ended(1000, "client went away");
        watch.ended(1000, "connection closed");

        assertThat(watch.hasEnded()).isTrue();
        assertThat(watch.send("{}")).as("a send after the end").isFalse();
        assertThat(watch.written).containsExactly("{\"type\":\"ADDED\"}");
        assertThat(listenerCalled.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(listenerThreads).doesNotContain(Thread.currentThread());
        listenerMayReturn.countDown();
        assertThat(endings.get()).isEqualTo(1);
    }

    private static final class RecordingWatch extends WatchTransport {

        final List<String> written = new CopyOnWriteArrayList<>();

        RecordingWatch(WebSocketListener listener) {
            super(new RecordedRequest("HTTP/1.1", null, "/api/v1/secrets?watch=true", Headers.builder().build(),
                    new Buffer()), listener);
        }

        @Override
        protected void write(String event) {
            written.add(event);
        }

        @Override
        public boolean close(int code, String reason) {
            return false;
        }
    }
}

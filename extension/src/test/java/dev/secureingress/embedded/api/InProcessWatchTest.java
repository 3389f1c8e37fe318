package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class InProcessWatchTest {

    private final ServerSide server = new ServerSide();
    private final ClientSide client = new ClientSide(false);
    private final InProcessWatch watch = new InProcessWatch(
            InProcessTransport.recorded("GET", URI.create("/api/v1/configmaps?watch=true"), Map.of(), null, null),
            server, client);

    @Test
    void eventsWaitUntilTheClientAsksForEachOfThem() {
        watch.send("a");
        watch.send("b");
        assertThat(client.messages).as("before the watch started").isEmpty();

        watch.start();
        assertThat(client.messages).containsExactly("a");

        watch.clientEnd().request();
        assertThat(client.messages).containsExactly("a", "b");

        watch.send("c");
        assertThat(client.messages).as("the client has not asked for a third").containsExactly("a", "b");
        watch.clientEnd().request();
        assertThat(client.messages).containsExactly("a", "b", "c");
    }

    @Test
    void aClientThatAsksFromInsideOnMessageGetsEveryEventInOrder() throws InterruptedException {
        ClientSide eager = new ClientSide(true);
        InProcessWatch eagerWatch = new InProcessWatch(watch.request(), server, eager);
        eagerWatch.start();
        List<String> sent = IntStream.range(0, 2000).mapToObj(Integer::toString).collect(Collectors.toList());
        Thread sender = new Thread(() -> sent.forEach(eagerWatch::send));
        sender.start();
        // the client asks for more from another thread too, racing the sender's deliveries
        for (int i = 0; i < 200; i++) {
            eagerWatch.clientEnd().request();
        }
        sender.join(10_000);

        await().atMost(Duration.ofSeconds(10)).until(() -> eager.messages.size() == sent.size());
        assertThat(eager.messages).containsExactlyElementsOf(sent);
    }

    @Test
    void theServersCloseReachesTheClientAfterTheEventsSentBeforeIt() {
        watch.send("a");
        assertThat(watch.close(1000, "watch ended")).isTrue();
        assertThat(watch.send("late")).as("a send after the close").isFalse();
        assertThat(client.closes).as("the event before the close is not read yet").isEmpty();

        watch.start();

        assertThat(client.messages).containsExactly("a");
        assertThat(client.closes).containsExactly("1000 watch ended");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.closes.size() == 1);
        assertThat(watch.close(1000, "again")).isFalse();
    }

    @Test
    void theClientsCloseReachesBothListenersOnceAndEndsTheWatch() {
        watch.start();
        assertThat(watch.clientEnd().sendClose(1000, "informer stopped")).isTrue();
        assertThat(watch.clientEnd().sendClose(1000, "twice")).isFalse();

        await().atMost(Duration.ofSeconds(10)).until(() -> server.closes.size() == 1 && client.closes.size() == 1);
        assertThat(server.closes).containsExactly("1000 informer stopped");
        assertThat(client.closes).containsExactly("1000 informer stopped");
        assertThat(watch.send("after")).isFalse();
        assertThat(client.messages).isEmpty();
    }

    @Test
    void nothingReachesTheClientAfterItsCloseAndTheCloseNeverOverlapsAMessage() throws InterruptedException {
        ClientSide slow = new ClientSide(true) {
            @Override
            public void onMessage(WebSocket webSocket, String text) {
                super.onMessage(webSocket, text);
                overlaps.compareAndSet(false, !closes.isEmpty());
            }
        };
        InProcessWatch slowWatch = new InProcessWatch(watch.request(), server, slow);
        slowWatch.start();
        Thread sender = new Thread(() -> {
            for (int i = 0; i < 5000; i++) {
                slowWatch.send(Integer.toString(i));
            }
        });
        sender.start();
        slowWatch.clientEnd().sendClose(1000, "informer stopped");
        sender.join(10_000);

        await().atMost(Duration.ofSeconds(10)).until(() -> slow.closes.size() == 1);
        int seenAtClose = slow.messages.size();
        slowWatch.send("after");
        assertThat(slow.messages).as("messages after the close").hasSize(seenAtClose);
        assertThat(slow.overlaps.get()).as("a message handed over after the close").isFalse();
    }

    /** The dispatcher's side: records how the watch ended. */
    private static final class ServerSide extends WebSocketListener {

        final List<String> closes = new CopyOnWriteArrayList<>();

        @Override
        public void onClosed(io.fabric8.mockwebserver.http.WebSocket webSocket, int code, String reason) {
            closes.add(code + " " + reason);
        }
    }

    /** fabric8's side: records messages and closes; asks for the next message itself only when {@code eager}. */
    private static class ClientSide implements WebSocket.Listener {

        final List<String> messages = new CopyOnWriteArrayList<>();
        final List<String> closes = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicBoolean overlaps = new java.util.concurrent.atomic.AtomicBoolean();
        private final boolean eager;

        ClientSide(boolean eager) {
            this.eager = eager;
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            messages.add(text);
            if (eager) {
                webSocket.request();
            }
        }

        @Override
        public void onClose(WebSocket webSocket, int code, String reason) {
            closes.add(code + " " + reason);
        }
    }
}

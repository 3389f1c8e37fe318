package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A watch whose object events (ADDED, MODIFIED, DELETED) a subclass may send changed ({@link #changed}); other
 * events, such as errors, pass as they are. Every watch transport sends what this listener sends.
 */
abstract class ObjectEventWatch extends ForwardingWatchListener {

    private static final Set<String> OBJECT_EVENTS = Set.of("ADDED", "MODIFIED", "DELETED");

    ObjectEventWatch(WebSocketListener watch) {
        super(watch);
    }

    /**
     * The event to send in place of {@code event}, whose object is {@code object} (both may be changed in place);
     * empty to send the event as it came.
     */
    protected abstract Optional<Map<String, Object>> changed(Map<String, Object> event, Map<String, Object> object);

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
        super.onOpen(new ChangedEvents(webSocket), response);
    }

    /** The watch's socket, sending each object event as {@link #changed} makes it. */
    private final class ChangedEvents extends ForwardingWatchSocket {

        ChangedEvents(WebSocket socket) {
            super(socket);
        }

        @Override
        public boolean send(String event) {
            return super.send(changedEvent(event).orElse(event));
        }

        @SuppressWarnings("unchecked")
        private Optional<String> changedEvent(String text) {
            Map<String, Object> event;
            try {
                event = ApiJson.parseObject(text);
            } catch (RuntimeException notAnEvent) {
                return Optional.empty();
            }
            if (!OBJECT_EVENTS.contains(event.get("type")) || !(event.get("object") instanceof Map<?, ?> object)) {
                return Optional.empty();
            }
            return changed(event, (Map<String, Object>) object).map(ApiJson::write);
        }
    }
}

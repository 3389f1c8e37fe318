package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A watch that {@code kubectl get -w} asks for as a table ({@code Accept: ...;as=Table}): as on a real API server,
 * each event carries its object as a one-row {@link ApiTables table}, so the rows printed after the listed ones
 * have the same columns. Kinds without table columns, and error events, are sent as they are.
 */
final class TableWatch extends ForwardingWatchListener {

    private static final Set<String> OBJECT_EVENTS = Set.of("ADDED", "MODIFIED", "DELETED");

    private final String plural;
    private final ApiTables.RowObject rowObject;
    private final Clock clock;

    TableWatch(WebSocketListener watch, String plural, ApiTables.RowObject rowObject, Clock clock) {
        super(watch);
        this.plural = plural;
        this.rowObject = rowObject;
        this.clock = clock;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
        super.onOpen(new TableRows(webSocket), response);
    }

    /** The watch's socket, sending each object event with its object as a table. */
    private final class TableRows extends ForwardingWatchSocket {

        TableRows(WebSocket socket) {
            super(socket);
        }

        @Override
        public boolean send(String event) {
            return super.send(asTableEvent(event).orElse(event));
        }

        @SuppressWarnings("unchecked")
        private Optional<String> asTableEvent(String text) {
            Map<String, Object> event;
            try {
                event = ApiJson.parseObject(text);
            } catch (RuntimeException notAnEvent) {
                return Optional.empty();
            }
            if (!OBJECT_EVENTS.contains(event.get("type")) || !(event.get("object") instanceof Map<?, ?> object)) {
                return Optional.empty();
            }
            Object version = ObjectFields.at(object, "metadata", "resourceVersion");
            return ApiTables.of(plural, List.of((Map<String, Object>) object),
                            version == null ? null : version.toString(), rowObject, clock)
                    .map(table -> {
                        event.put("object", table);
                        return ApiJson.write(event);
                    });
        }
    }
}

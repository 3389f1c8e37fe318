package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.http.WebSocketListener;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A watch that {@code kubectl get -w} asks for as a table ({@code Accept: ...;as=Table}): as on a real API server,
 * each event carries its object as a one-row {@link ApiTables table}, so the rows printed after the listed ones
 * have the same columns. Kinds without table columns, and error events, are sent as they are.
 */
final class TableWatch extends ObjectEventWatch {

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
    protected Optional<Map<String, Object>> changed(Map<String, Object> event, Map<String, Object> object) {
        Object version = ObjectFields.at(object, "metadata", "resourceVersion");
        return ApiTables.of(plural, List.of(object), version == null ? null : version.toString(), rowObject, clock)
                .map(table -> {
                    event.put("object", table);
                    return event;
                });
    }
}

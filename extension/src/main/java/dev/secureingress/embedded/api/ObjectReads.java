package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.secureingress.embedded.api.ApiJson.json;
import static dev.secureingress.embedded.api.ApiJson.parseObject;
import static dev.secureingress.embedded.api.ApiJson.text;

/**
 * Reads stored objects ({@code GET}) as a real API server answers them: one object, a {@code <Kind>List} filtered
 * by any {@code fieldSelector}, or a watch; as tables ({@link ApiTables}) when kubectl asks for them. Custom
 * resources read one by one, in lists and in watch events carry their CRD schema's defaults
 * ({@link StructuralDefaults}), as the API server decodes them from storage, so defaults a CRD gained after an object
 * was stored show too.
 */
final class ObjectReads {

    private final WatchedStore store;
    private final ApiDiscovery discovery;
    private final ObjectSchemas schemas;
    private final Clock clock;

    ObjectReads(WatchedStore store, ApiDiscovery discovery, ObjectSchemas schemas, Clock clock) {
        this.store = store;
        this.discovery = discovery;
        this.schemas = schemas;
        this.clock = clock;
    }

    /**
     * Lists as a real server does: the list is a {@code <Kind>List} of the resource's group version (typed Go
     * clients, such as the ones {@code kubectl describe} and {@code kubectl rollout history} read events and
     * ReplicaSets with, reject a plain {@code List} or a {@code v1} ReplicaSetList) and a {@code fieldSelector}
     * applies to any field (the store only knows name and namespace). Items come in the order of their storage
     * keys ({@code <namespace>/<name>}), as etcd returns them, not in the order they were created.
     */
    MockResponse list(ResourcePath target, RecordedRequest request) {
        Optional<FieldSelector> selector;
        try {
            selector = FieldSelector.of(request.getPath());
        } catch (IllegalArgumentException invalid) {
            return ApiErrors.badRequest(invalid.getMessage());
        }
        MockResponse all = store.dispatch(selector.isEmpty() ? request : new RecordedRequest(request.getHttpVersion(),
                request.method(), FieldSelector.withoutFieldSelector(request.getPath()), request.getHeaders(),
                request.getBody()));
        if (all.code() != HttpURLConnection.HTTP_OK) {
            return all;
        }
        Map<String, Object> list = parseObject(text(all.getBody()));
        discovery.resources(target.groupVersion()).stream()
                .filter(resource -> resource.getName().equals(target.plural()))
                .findFirst()
                .ifPresent(resource -> {
                    list.put("apiVersion", target.groupVersion());
                    list.put("kind", resource.getKind() + "List");
                });
        Optional<ObjectSchemas.ObjectSchema> schema = customResourceSchema(target);
        if (list.get("items") instanceof List<?> items) {
            schema.ifPresent(found -> objects(items).forEach(item -> StructuralDefaults.fill(found.schema(), item)));
            list.put("items", items.stream()
                    .filter(item -> selector.isEmpty() || item instanceof Map<?, ?> object && selector.get().matches(object))
                    .sorted(Comparator.comparing(ObjectReads::storageKey))
                    .toList());
        }
        if (ApiTables.wanted(request.getHeader("Accept")) && list.get("items") instanceof List<?> items) {
            Optional<Map<String, Object>> table = ApiTables.of(target.plural(), objects(items),
                    list.get("metadata") instanceof Map<?, ?> metadata ? (String) metadata.get("resourceVersion") : null,
                    ApiTables.RowObject.requestedBy(request.getPath()), clock);
            if (table.isPresent()) {
                return json(HttpURLConnection.HTTP_OK, ApiJson.write(table.get()));
            }
        }
        return json(HttpURLConnection.HTTP_OK, ApiJson.write(list));
    }

    /**
     * A watch; custom resources with their defaults ({@link DefaultedWatch}) when their CRD's schema has any (the
     * events of other kinds pass as they are); its events carry one-row tables when kubectl asks for tables
     * ({@code kubectl get -w}). Every watch transport sends what this listener sends.
     */
    MockResponse watch(ResourcePath target, RecordedRequest request) {
        MockResponse response = store.dispatch(request);
        WebSocketListener events = response.getWebSocketListener();
        if (events == null) {
            return response;
        }
        Optional<JSONSchemaProps> defaults = customResourceSchema(target).map(ObjectSchemas.ObjectSchema::schema)
                .filter(StructuralDefaults::present);
        if (defaults.isPresent()) {
            events = new DefaultedWatch(events, defaults.get());
        }
        if (ApiTables.wanted(request.getHeader("Accept"))) {
            events = new TableWatch(events, target.plural(), ApiTables.RowObject.requestedBy(request.getPath()), clock);
        }
        return events == response.getWebSocketListener() ? response : response.withWebSocketUpgrade(events);
    }

    /** One object (custom resources with their defaults); as a one-row table when kubectl asks for one. */
    MockResponse get(ResourcePath target, RecordedRequest request) {
        MockResponse response = store.dispatch(request);
        if (response.code() != HttpURLConnection.HTTP_OK) {
            return response;
        }
        Optional<ObjectSchemas.ObjectSchema> schema = customResourceSchema(target);
        boolean table = ApiTables.wanted(request.getHeader("Accept")) && target.subresource() == null;
        if (schema.isEmpty() && !table) {
            return response;
        }
        Map<String, Object> object = parseObject(text(response.getBody()));
        boolean defaulted = schema.isPresent() && StructuralDefaults.fill(schema.get().schema(), object);
        MockResponse read = defaulted ? json(HttpURLConnection.HTTP_OK, ApiJson.write(object)) : response;
        if (!table) {
            return read;
        }
        return ApiTables.of(target.plural(), List.of(object), null, ApiTables.RowObject.requestedBy(request.getPath()), clock)
                .map(rows -> json(HttpURLConnection.HTTP_OK, ApiJson.write(rows)))
                .orElse(read);
    }

    /** The schema of a custom resource's objects, which may carry defaults; empty for built-in kinds. */
    private Optional<ObjectSchemas.ObjectSchema> customResourceSchema(ResourcePath target) {
        return schemas.of(target).filter(ObjectSchemas.ObjectSchema::checksValues);
    }

    /** Where etcd keeps an object, below its resource's prefix: {@code namespace/name}, or {@code name}. */
    private static String storageKey(Object item) {
        if (item instanceof Map<?, ?> object && object.get("metadata") instanceof Map<?, ?> metadata) {
            Object name = metadata.get("name");
            Object namespace = metadata.get("namespace");
            return namespace == null ? String.valueOf(name) : namespace + "/" + name;
        }
        return "";
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> objects(List<?> items) {
        return items.stream().filter(Map.class::isInstance).map(item -> (Map<String, Object>) item).toList();
    }
}

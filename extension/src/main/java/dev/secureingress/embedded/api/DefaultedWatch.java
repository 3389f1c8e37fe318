package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.util.Map;
import java.util.Optional;

/**
 * A watch of custom resources whose events carry their objects with the CRD schema's defaults
 * ({@link StructuralDefaults}), as GET and list answer them: a real API server decodes what a watch sends from
 * storage with the schema, so the ADDED events of objects stored before their CRD gained a default, and the DELETED
 * events of such objects, carry it too. The schema is the one the CRD had when the watch opened, as a real server's
 * watch keeps the storage it was opened on (a changed CRD gets new storage and ends the watches of the old one).
 */
final class DefaultedWatch extends ObjectEventWatch {

    private final JSONSchemaProps schema;

    /** @param schema the CRD's schema, holding at least one default ({@link StructuralDefaults#present}) */
    DefaultedWatch(WebSocketListener watch, JSONSchemaProps schema) {
        super(watch);
        this.schema = schema;
    }

    @Override
    protected Optional<Map<String, Object>> changed(Map<String, Object> event, Map<String, Object> object) {
        return StructuralDefaults.fill(schema, object) ? Optional.of(event) : Optional.empty();
    }
}

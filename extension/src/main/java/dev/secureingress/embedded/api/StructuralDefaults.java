package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;

import java.util.List;
import java.util.Map;

/**
 * Fills the {@code default} values of a structural schema (a CRD's {@code openAPIV3Schema}) into an object, as the API
 * server does when it decodes a custom resource from a request or from storage: a property's default goes where the
 * property is absent (or {@code null} and not nullable) in an object that exists, then defaulting goes on inside every
 * value, the defaults just filled included; list items and map values get their schema's defaults the same way.
 * An object's {@code metadata} is left alone.
 */
final class StructuralDefaults {

    private StructuralDefaults() {
    }

    /** Fills {@code schema}'s defaults into {@code object} in place; true when it changed anything. */
    static boolean fill(JSONSchemaProps schema, Map<String, Object> object) {
        return fillObject(schema, object, true);
    }

    /**
     * True when {@code schema} holds a default anywhere (in a property, an item or a map value schema): only then
     * can {@link #fill} change an object. Walks the schema until it finds one.
     */
    static boolean present(JSONSchemaProps schema) {
        if (schema == null) {
            return false;
        }
        if (schema.getDefault() != null) {
            return true;
        }
        if (schema.getProperties() != null
                && schema.getProperties().values().stream().anyMatch(StructuralDefaults::present)) {
            return true;
        }
        return schema.getItems() != null && present(schema.getItems().getSchema())
                || schema.getAdditionalProperties() != null && present(schema.getAdditionalProperties().getSchema());
    }

    private static boolean fillValue(JSONSchemaProps schema, Object value) {
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) map;
            return fillObject(schema, object, Boolean.TRUE.equals(schema.getXKubernetesEmbeddedResource()));
        }
        if (value instanceof List<?> list && schema.getItems() != null && schema.getItems().getSchema() != null) {
            @SuppressWarnings("unchecked")
            List<Object> items = (List<Object>) list;
            return fillItems(schema.getItems().getSchema(), items);
        }
        return false;
    }

    private static boolean fillObject(JSONSchemaProps schema, Map<String, Object> object, boolean hasMetadata) {
        boolean changed = false;
        Map<String, JSONSchemaProps> properties = schema.getProperties() == null ? Map.of() : schema.getProperties();
        for (Map.Entry<String, JSONSchemaProps> property : properties.entrySet()) {
            JSONSchemaProps propertySchema = property.getValue();
            String name = property.getKey();
            if (propertySchema.getDefault() != null && absent(object, name, propertySchema)
                    && !(hasMetadata && name.equals("metadata"))) {
                object.put(name, defaultOf(propertySchema));
                changed = true;
            }
        }
        JSONSchemaProps additional = schema.getAdditionalProperties() == null ? null
                : schema.getAdditionalProperties().getSchema();
        for (Map.Entry<String, Object> entry : object.entrySet()) {
            if (hasMetadata && entry.getKey().equals("metadata")) {
                continue;
            }
            JSONSchemaProps valueSchema = properties.getOrDefault(entry.getKey(), additional);
            if (valueSchema == null) {
                continue;
            }
            if (entry.getValue() == null && valueSchema.getDefault() != null
                    && !Boolean.TRUE.equals(valueSchema.getNullable())) {
                entry.setValue(defaultOf(valueSchema)); // a map value's null
                changed = true;
            }
            changed |= fillValue(valueSchema, entry.getValue());
        }
        return changed;
    }

    private static boolean fillItems(JSONSchemaProps itemSchema, List<Object> items) {
        boolean changed = false;
        for (int index = 0; index < items.size(); index++) {
            if (items.get(index) == null && itemSchema.getDefault() != null
                    && !Boolean.TRUE.equals(itemSchema.getNullable())) {
                items.set(index, defaultOf(itemSchema));
                changed = true;
            }
            changed |= fillValue(itemSchema, items.get(index));
        }
        return changed;
    }

    private static boolean absent(Map<String, Object> object, String name, JSONSchemaProps schema) {
        return !object.containsKey(name) || object.get(name) == null && !Boolean.TRUE.equals(schema.getNullable());
    }

    /** A fresh copy of the schema's default, as plain maps and lists that may be changed. */
    private static Object defaultOf(JSONSchemaProps schema) {
        return ApiJson.convert(schema.getDefault(), Object.class);
    }
}

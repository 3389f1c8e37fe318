package dev.secureingress.embedded.api;

import java.util.Map;

/** Reads a field of an object in the form the store keeps it (JSON maps), by its path of keys. */
final class ObjectFields {

    private ObjectFields() {
    }

    /** The value at {@code path} (e.g. {@code "spec", "replicas"}), or {@code null} where the path ends early. */
    static Object at(Map<?, ?> object, String... path) {
        Object current = object;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }
}

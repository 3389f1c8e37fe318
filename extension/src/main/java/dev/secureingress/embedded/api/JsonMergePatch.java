package dev.secureingress.embedded.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Applies a JSON merge patch (RFC 7386, {@code application/merge-patch+json}): objects merge key by key,
 * {@code null} removes a key, and everything else, arrays included, replaces what was there. This is what
 * {@code kubectl apply} sends for custom resources such as Gateways.
 */
final class JsonMergePatch {

    private JsonMergePatch() {
    }

    /** Returns {@code original} with {@code patch} applied; neither argument is modified. */
    static Map<String, Object> apply(Map<String, Object> original, Map<String, Object> patch) {
        Map<String, Object> result = new LinkedHashMap<>(original == null ? Map.of() : original);
        patch.forEach((key, value) -> {
            if (value == null) {
                result.remove(key);
            } else if (value instanceof Map<?, ?> patchObject) {
                result.put(key, apply(asObject(result.get(key)), asObject(patchObject)));
            } else {
                result.put(key, value);
            }
        });
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }
}

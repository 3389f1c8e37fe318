package dev.secureingress.embedded.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The update checks kube-apiserver makes of ConfigMaps and Secrets: once one is stored with {@code immutable: true},
 * its {@code data} (and a ConfigMap's {@code binaryData}) may not change and {@code immutable} may not be unset
 * ({@code data: Forbidden: field is immutable when `immutable` is set}); a Secret's {@code type} never changes
 * ({@code type: Invalid value: "Opaque": field is immutable}). Metadata may change all the same. A Secret's
 * {@code stringData} counts as the {@code data} it is folded into.
 */
final class ImmutableContents {

    private static final String WHEN_IMMUTABLE = "Forbidden: field is immutable when `immutable` is set";

    private ImmutableContents() {
    }

    /** True for an update of a ConfigMap or a Secret (not of a subresource). */
    static boolean concerns(ResourcePath target) {
        return (target.is("", "configmaps") || target.is("", "secrets")) && target.name() != null;
    }

    /** Why {@code current}, as stored, may not become {@code object}; empty when it may. */
    static List<ObjectValidation.Violation> violations(ResourcePath target, Map<String, Object> object,
                                                       Map<String, Object> current) {
        boolean secret = target.plural().equals("secrets");
        Map<String, Object> updated = object;
        List<ObjectValidation.Violation> violations = new ArrayList<>();
        if (secret) {
            updated = new LinkedHashMap<>(object);
            StoredForm.foldStringData(updated);
            String type = typeOf(updated);
            if (!type.equals(typeOf(current))) {
                violations.add(new ObjectValidation.Violation("FieldValueInvalid", "type",
                        "Invalid value: \"" + type + "\": field is immutable"));
            }
        }
        if (!Boolean.TRUE.equals(current.get("immutable"))) {
            return violations;
        }
        if (!Boolean.TRUE.equals(updated.get("immutable"))) {
            violations.add(forbidden("immutable"));
        }
        List<String> contents = secret ? List.of("data") : List.of("data", "binaryData");
        for (String field : contents) {
            if (!Objects.equals(mapOf(updated.get(field)), mapOf(current.get(field)))) {
                violations.add(forbidden(field));
            }
        }
        return violations;
    }

    private static ObjectValidation.Violation forbidden(String field) {
        return new ObjectValidation.Violation("FieldValueForbidden", field, WHEN_IMMUTABLE);
    }

    /** A Secret's type as the server defaults it: {@code Opaque} when none is given. */
    private static String typeOf(Map<String, Object> secret) {
        return secret.get("type") instanceof String type && !type.isEmpty() ? type : "Opaque";
    }

    /** No map and an empty one alike. */
    private static Map<?, ?> mapOf(Object value) {
        return value instanceof Map<?, ?> map ? map : Map.of();
    }
}

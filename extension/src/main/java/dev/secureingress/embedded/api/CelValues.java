package dev.secureingress.embedded.api;

import dev.cel.common.values.NullValue;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A custom resource's JSON values as the values CEL rules see, as the API server maps them: objects to maps whose
 * declared properties are named as CEL may write them ({@code namespace} as {@code __namespace__}, {@code a-b} as
 * {@code a__dash__b}, ...), maps ({@code additionalProperties}) with their keys as they are, arrays to lists, integers
 * (also in {@code x-kubernetes-int-or-string}) to {@code int} (a Java {@code long}), other numbers to {@code double},
 * {@code null} to CEL's {@code null}.
 */
final class CelValues {

    /** The variable holding the value a rule is attached to. */
    static final String SELF = "self";
    /** The variable holding that value before the update, in transition rules. */
    static final String OLD_SELF = "oldSelf";

    /** CEL's reserved words: a property of that name is written {@code __name__}. */
    private static final Set<String> RESERVED = Set.of("true", "false", "null", "in", "as", "break", "const",
            "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return",
            "var", "void", "while");

    private CelValues() {
    }

    /** {@code value}, described by {@code schema}, as a CEL value. */
    static Object of(JSONSchemaProps schema, Object value) {
        if (value == null) {
            return NullValue.NULL_VALUE;
        }
        if (value instanceof Map<?, ?> map) {
            return object(schema, map);
        }
        if (value instanceof List<?> list) {
            JSONSchemaProps items = schema == null || schema.getItems() == null ? null : schema.getItems().getSchema();
            List<Object> converted = new ArrayList<>(list.size());
            for (Object item : list) {
                converted.add(of(items, item));
            }
            return converted;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            return big.longValue();
        }
        if (value instanceof Number number) {
            boolean integer = schema != null && ("integer".equals(schema.getType())
                    || Boolean.TRUE.equals(schema.getXKubernetesIntOrString()));
            double decimal = number.doubleValue();
            return integer && decimal == Math.rint(decimal) ? (Object) (long) decimal : (Object) decimal;
        }
        return value; // strings and booleans are the same in CEL
    }

    private static Map<String, Object> object(JSONSchemaProps schema, Map<?, ?> map) {
        Map<String, JSONSchemaProps> properties = schema == null || schema.getProperties() == null ? Map.of()
                : schema.getProperties();
        JSONSchemaProps additional = schema == null || schema.getAdditionalProperties() == null ? null
                : schema.getAdditionalProperties().getSchema();
        boolean isMap = schema != null && schema.getAdditionalProperties() != null && properties.isEmpty();
        Map<String, Object> converted = new HashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            JSONSchemaProps property = properties.get(key);
            if (isMap) {
                converted.put(key, of(additional, entry.getValue()));
            } else {
                converted.put(escaped(key), of(property, entry.getValue()));
            }
        }
        return converted;
    }

    /** A property name as CEL expressions write it, as the API server escapes it. */
    static String escaped(String name) {
        if (RESERVED.contains(name)) {
            return "__" + name + "__";
        }
        if (name.indexOf('_') < 0 && name.indexOf('.') < 0 && name.indexOf('-') < 0 && name.indexOf('/') < 0) {
            return name;
        }
        StringBuilder escaped = new StringBuilder(name.length() + 16);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' && i + 1 < name.length() && name.charAt(i + 1) == '_') {
                escaped.append("__underscores__");
                i++;
            } else if (c == '.') {
                escaped.append("__dot__");
            } else if (c == '-') {
                escaped.append("__dash__");
            } else if (c == '/') {
                escaped.append("__slash__");
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }
}

package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks an object against an OpenAPI v3 structural schema as the API server checks a custom resource against its
 * CRD's schema: fields the schema does not declare are pruned (unless {@code x-kubernetes-preserve-unknown-fields})
 * and reported, {@code null}s of non-nullable fields are dropped, and values are checked for {@code type},
 * {@code x-kubernetes-int-or-string}, {@code required}, {@code enum}, {@code pattern}, {@code minimum}/{@code maximum}
 * (and their exclusive forms), {@code minLength}/{@code maxLength}, {@code minItems}/{@code maxItems} and the string
 * {@code format}s the API server checks ({@link SchemaFormats}), with the API server's messages (e.g.
 * {@code spec.listeners[0].port in body must be of type integer: "string"},
 * {@code spec.address in body must be of type ipv4: "10.0.0.256"}).
 *
 * <p>An object's {@code apiVersion} and {@code kind} are always allowed and its {@code metadata} is checked against
 * {@link ObjectMeta}, whatever the schema says of them. Not checked: {@code allOf}/{@code anyOf}/{@code oneOf}/
 * {@code not}, {@code multipleOf}, {@code uniqueItems}, and list types. Defaults are {@link StructuralDefaults}' job,
 * CEL rules ({@code x-kubernetes-validations}) {@link CelValidation}'s.
 */
final class SchemaValidator {

    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();
    private static final JSONSchemaProps OBJECT_META = ModelSchemas.ofObject(ObjectMeta.class);

    /** What a check found: the paths of the unknown fields it pruned, sorted, and the values the schema refuses. */
    record Findings(List<String> unknownFields, List<ObjectValidation.Violation> violations) {
    }

    private final List<String> unknownFields = new ArrayList<>();
    private final List<ObjectValidation.Violation> violations = new ArrayList<>();

    private SchemaValidator() {
    }

    /** Checks {@code object} against {@code schema}, pruning its unknown fields in place. */
    static Findings check(JSONSchemaProps schema, Map<String, Object> object) {
        SchemaValidator validator = new SchemaValidator();
        validator.checkObject(schema, object, "", true);
        // sorted, as the API server sorts the fields it prunes
        return new Findings(validator.unknownFields.stream().sorted().toList(), List.copyOf(validator.violations));
    }

    private void checkValue(JSONSchemaProps schema, Object value, String path) {
        if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
            if (!(isInteger(value) || value instanceof String)) {
                typeInvalid(path, "integer,string", value);
                return;
            }
        } else if (schema.getType() != null && !schema.getType().isEmpty() && !hasType(schema.getType(), value)) {
            typeInvalid(path, schema.getType(), value);
            return;
        }
        checkEnum(schema, value, path);
        if (value instanceof String text) {
            checkString(schema, text, path);
        } else if (value instanceof Number number) {
            checkNumber(schema, number, path);
        } else if (value instanceof List<?> list) {
            checkArray(schema, list, path);
        } else if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> object = (Map<String, Object>) map;
            checkObject(schema, object, path, false);
        }
    }

    private void checkObject(JSONSchemaProps schema, Map<String, Object> object, String path, boolean root) {
        Map<String, JSONSchemaProps> properties = schema.getProperties() == null ? Map.of() : schema.getProperties();
        JSONSchemaProps additional = schema.getAdditionalProperties() == null ? null
                : schema.getAdditionalProperties().getSchema();
        boolean additionalAllowed = schema.getAdditionalProperties() != null
                && (additional != null || Boolean.TRUE.equals(schema.getAdditionalProperties().getAllows()));
        boolean preserve = Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields());
        boolean embedded = Boolean.TRUE.equals(schema.getXKubernetesEmbeddedResource());
        for (Iterator<Map.Entry<String, Object>> entries = object.entrySet().iterator(); entries.hasNext(); ) {
            Map.Entry<String, Object> entry = entries.next();
            String key = entry.getKey();
            JSONSchemaProps property = properties.get(key);
            if ((root || embedded) && (key.equals("apiVersion") || key.equals("kind") || key.equals("metadata"))) {
                if (key.equals("metadata") && entry.getValue() != null) {
                    checkValue(OBJECT_META, entry.getValue(), child(path, key));
                }
            } else if (property != null) {
                if (entry.getValue() == null && !Boolean.TRUE.equals(property.getNullable())) {
                    entries.remove(); // as the server drops nulls of non-nullable fields before it validates
                } else if (entry.getValue() != null) {
                    checkValue(property, entry.getValue(), child(path, key));
                }
            } else if (additional != null) {
                if (entry.getValue() != null) {
                    checkValue(additional, entry.getValue(), path + "[" + key + "]");
                }
            } else if (!preserve && !additionalAllowed) {
                unknownFields.add(child(path, key));
                entries.remove();
            }
        }
        if (schema.getRequired() != null) {
            for (String required : schema.getRequired()) {
                if (!object.containsKey(required)) {
                    violations.add(new ObjectValidation.Violation("FieldValueRequired", child(path, required),
                            "Required value"));
                }
            }
        }
    }

    private void checkArray(JSONSchemaProps schema, List<?> list, String path) {
        if (schema.getMinItems() != null && list.size() < schema.getMinItems()) {
            invalid(path, list.size(), "should have at least " + schema.getMinItems() + " items");
        }
        if (schema.getMaxItems() != null && list.size() > schema.getMaxItems()) {
            violations.add(new ObjectValidation.Violation("FieldValueTooMany", path,
                    "Too many: " + list.size() + ": must have at most " + schema.getMaxItems() + " items"));
        }
        JSONSchemaProps items = schema.getItems() == null ? null : schema.getItems().getSchema();
        if (items == null) {
            return;
        }
        for (int index = 0; index < list.size(); index++) {
            if (list.get(index) != null) {
                checkValue(items, list.get(index), path + "[" + index + "]");
            }
        }
    }

    private void checkString(JSONSchemaProps schema, String text, String path) {
        int length = text.codePointCount(0, text.length());
        if (schema.getMaxLength() != null && length > schema.getMaxLength()) {
            violations.add(new ObjectValidation.Violation("FieldValueTooLong", path,
                    "Too long: may not be longer than " + schema.getMaxLength()));
        }
        if (schema.getMinLength() != null && length < schema.getMinLength()) {
            invalid(path, text, "should be at least " + schema.getMinLength() + " chars long");
        }
        if (schema.getPattern() != null
                && !PATTERNS.computeIfAbsent(schema.getPattern(), Pattern::compile).matcher(text).find()) {
            invalid(path, text, "should match '" + schema.getPattern() + "'");
        }
        if (schema.getFormat() != null && !SchemaFormats.accepts(schema.getFormat(), text)) {
            violations.add(new ObjectValidation.Violation("FieldValueTypeInvalid", path, "Invalid value: "
                    + goQuoted(text) + ": " + path + " in body must be of type " + schema.getFormat() + ": "
                    + goQuoted(text)));
        }
    }

    private void checkNumber(JSONSchemaProps schema, Number number, String path) {
        double value = number.doubleValue();
        Double minimum = schema.getMinimum();
        if (minimum != null) {
            boolean exclusive = Boolean.TRUE.equals(schema.getExclusiveMinimum());
            if (exclusive ? value <= minimum : value < minimum) {
                invalid(path, number, "should be greater than " + (exclusive ? "" : "or equal to ") + goNumber(minimum));
            }
        }
        Double maximum = schema.getMaximum();
        if (maximum != null) {
            boolean exclusive = Boolean.TRUE.equals(schema.getExclusiveMaximum());
            if (exclusive ? value >= maximum : value > maximum) {
                invalid(path, number, "should be less than " + (exclusive ? "" : "or equal to ") + goNumber(maximum));
            }
        }
    }

    private void checkEnum(JSONSchemaProps schema, Object value, String path) {
        List<JsonNode> allowed = schema.getEnum();
        if (allowed == null || allowed.isEmpty()) {
            return;
        }
        List<Object> values = allowed.stream().map(node -> ApiJson.convert(node, Object.class))
                .toList();
        if (values.stream().anyMatch(candidate -> sameJson(candidate, value))) {
            return;
        }
        String supported = values.stream()
                .map(candidate -> candidate instanceof String text ? goQuoted(text) : goQuoted(ApiJson.write(candidate)))
                .collect(Collectors.joining(", "));
        violations.add(new ObjectValidation.Violation("FieldValueNotSupported", path,
                "Unsupported value: " + goValue(value) + ": supported values: " + supported));
    }

    private void typeInvalid(String path, String expected, Object value) {
        String actual = jsonType(value);
        violations.add(new ObjectValidation.Violation("FieldValueTypeInvalid", path, "Invalid value: " + goQuoted(actual)
                + ": " + path + " in body must be of type " + expected + ": " + goQuoted(actual)));
    }

    private void invalid(String path, Object value, String rule) {
        violations.add(new ObjectValidation.Violation("FieldValueInvalid", path,
                "Invalid value: " + goValue(value) + ": " + path + " in body " + rule));
    }

    private static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static boolean hasType(String type, Object value) {
        return switch (type) {
            case "object" -> value instanceof Map<?, ?>;
            case "array" -> value instanceof List<?>;
            case "string" -> value instanceof String;
            case "boolean" -> value instanceof Boolean;
            case "integer" -> isInteger(value);
            case "number" -> value instanceof Number;
            default -> true;
        };
    }

    private static boolean isInteger(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof BigInteger) {
            return true;
        }
        // a JSON number written with a fraction of zero (443.0) is an integer to the server, as to Go's validator
        return value instanceof Number number && !(value instanceof BigDecimal decimal && decimal.stripTrailingZeros().scale() > 0)
                && number.doubleValue() == Math.rint(number.doubleValue()) && !Double.isInfinite(number.doubleValue());
    }

    private static String jsonType(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map<?, ?>) {
            return "object";
        }
        if (value instanceof List<?>) {
            return "array";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        return isInteger(value) ? "integer" : "number";
    }

    private static boolean sameJson(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return Objects.equals(a, b);
    }

    /** A value as Go's validation errors print it: strings quoted, numbers and booleans bare. */
    private static String goValue(Object value) {
        if (value instanceof String text) {
            return goQuoted(text);
        }
        if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            return goNumber(((Number) value).doubleValue());
        }
        return String.valueOf(value);
    }

    /** A float64 as Go's {@code %v} prints it: whole numbers without a fraction, exponents from 1e+21. */
    private static String goNumber(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e21) {
            return BigDecimal.valueOf(value).toBigInteger().toString();
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** {@code text} quoted as Go's {@code %q} quotes it. */
    static String goQuoted(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        quoted.append(String.format("\\x%02x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}

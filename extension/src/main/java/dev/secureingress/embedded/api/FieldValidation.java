package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the API server answers when an object a client writes does not fit its schema ({@link ObjectSchemas},
 * checked by {@link SchemaValidator}), following the request's {@code fieldValidation} parameter:
 * <ul>
 *   <li>unknown fields: {@code Strict} refuses the write (400 {@code BadRequest}, {@code Gateway in version "v1"
 *       cannot be handled as a Gateway: strict decoding error: unknown field "spec.listners"}; a patch: 422 with the
 *       patched object), {@code Warn} (the default) stores the object without them and sends a
 *       {@code Warning: 299 - "unknown field \"spec.listners\""} header per field, {@code Ignore} drops them silently;
 *       a server-side apply refuses them whatever the parameter (500, {@code failed to create typed patch object
 *       (...): .spec.listners: field not declared in schema}), as the API server does;</li>
 *   <li>values a custom resource's schema refuses: 422 {@code Invalid}, e.g. {@code Gateway.gateway.networking.k8s.io
 *       "gw" is invalid: spec.listeners[0].port: Invalid value: "string": spec.listeners[0].port in body must be of
 *       type integer: "string"}. Built-in kinds are only checked for unknown fields.</li>
 * </ul>
 * Before a custom resource is checked, its schema's defaults are filled in ({@link StructuralDefaults}), so every
 * write (create, replacement, status, patches, server-side apply) stores the object defaulted, as the API server's
 * decoder does.
 */
final class FieldValidation {

    /** The {@code fieldValidation} directive of a write. */
    enum Directive {
        STRICT, WARN, IGNORE;

        /** The request's directive; {@code Warn} when it names none, as on a real API server. */
        static Directive of(RecordedRequest request) {
            return switch (QueryParameters.first(request.getPath(), "fieldValidation").orElse("Warn")) {
                case "Strict" -> STRICT;
                case "Ignore" -> IGNORE;
                default -> WARN;
            };
        }
    }

    /**
     * A checked write: the answer that refuses it, or the warnings to send with its answer; {@code pruned} when
     * fields were dropped from the object.
     */
    record Outcome(Optional<MockResponse> refusal, List<String> warnings, boolean pruned) {

        static final Outcome NOTHING_FOUND = new Outcome(Optional.empty(), List.of(), false);

        /** {@code response} with a {@code Warning} header per warning. */
        MockResponse warned(MockResponse response) {
            for (String warning : warnings) {
                response.addHeader("Warning", "299 - \"" + warning.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
            }
            return response;
        }
    }

    /** The schema violations after which the API server does not evaluate CEL rules. */
    private static final Set<String> BLOCKING = Set.of("FieldValueNotSupported", "FieldValueRequired",
            "FieldValueTooLong", "FieldValueTooMany", "FieldValueTypeInvalid");

    private final ObjectSchemas schemas;

    FieldValidation(ObjectSchemas schemas) {
        this.schemas = schemas;
    }

    /**
     * Checks the object a create or a replacement (also of the status) is about to store; prunes and defaults it in
     * place.
     */
    Outcome checkWritten(ResourcePath target, RecordedRequest request, Map<String, Object> object) {
        return check(target, request, object, null, false);
    }

    /**
     * Checks the object an update is about to store in place of {@code current} (the stored version, for the CEL
     * transition rules); prunes and defaults it in place.
     */
    Outcome checkWritten(ResourcePath target, RecordedRequest request, Map<String, Object> object,
                         Map<String, Object> current) {
        return check(target, request, object, current, false);
    }

    /**
     * Fills the defaults of a custom resource's schema into {@code object} in place, without checking it: for the
     * objects the server stores itself.
     */
    void fillDefaults(ResourcePath target, Map<String, Object> object) {
        schemas.of(target).filter(ObjectSchemas.ObjectSchema::checksValues)
                .ifPresent(schema -> StructuralDefaults.fill(schema.schema(), object));
    }

    /**
     * Checks the object a JSON, merge or strategic merge patch made of {@code original}; prunes and defaults it in
     * place.
     */
    Outcome checkPatched(ResourcePath target, RecordedRequest request, Map<String, Object> patched,
                         Map<String, Object> original) {
        return check(target, request, patched, original, true);
    }

    /**
     * The answer that refuses a server-side apply configuration with fields its kind does not declare; empty when it
     * has none.
     */
    Optional<MockResponse> checkApplied(ResourcePath target, Map<String, Object> applied) {
        Optional<ObjectSchemas.ObjectSchema> schema = schemas.of(target);
        if (schema.isEmpty()) {
            return Optional.empty();
        }
        List<String> unknown = SchemaValidator.check(schema.get().schema(),
                ApiJson.parseObject(ApiJson.write(applied))).unknownFields();
        if (unknown.isEmpty()) {
            return Optional.empty();
        }
        List<String> errors = unknown.stream().map(path -> "." + path + ": field not declared in schema").toList();
        String namespace = target.namespace() == null ? "" : target.namespace();
        return Optional.of(ApiErrors.status(HttpURLConnection.HTTP_INTERNAL_ERROR, null,
                "failed to create typed patch object (" + namespace + "/" + target.name() + "; " + target.group() + "/"
                        + target.version() + ", Kind=" + schema.get().kind() + "): "
                        + (errors.size() == 1 ? errors.get(0) : "errors:\n  " + String.join("\n  ", errors))));
    }

    private Outcome check(ResourcePath target, RecordedRequest request, Map<String, Object> object,
                          Map<String, Object> old, boolean patch) {
        Optional<ObjectSchemas.ObjectSchema> found = schemas.of(target);
        if (found.isEmpty()) {
            return Outcome.NOTHING_FOUND;
        }
        ObjectSchemas.ObjectSchema schema = found.get();
        Directive directive = Directive.of(request);
        String beforePruning = patch && directive == Directive.STRICT ? ApiJson.write(object) : null;
        if (schema.checksValues()) {
            StructuralDefaults.fill(schema.schema(), object); // as the server's decoder does, before validation
        }
        SchemaValidator.Findings findings = SchemaValidator.check(schema.schema(), object);
        List<String> unknown = findings.unknownFields().stream()
                .map(path -> "unknown field " + SchemaValidator.goQuoted(path)).toList();
        if (!unknown.isEmpty() && directive == Directive.STRICT) {
            String strict = "strict decoding error: " + String.join(", ", unknown);
            if (patch) {
                return refused(ObjectValidation.invalid("", "", "", "", List.of(new ObjectValidation.Violation(
                        "FieldValueInvalid", "patch", "Invalid value: " + SchemaValidator.goQuoted(beforePruning)
                        + ": " + strict))));
            }
            return refused(ApiErrors.badRequest(schema.kind() + " in version " + SchemaValidator.goQuoted(schema.version())
                    + " cannot be handled as a " + schema.kind() + ": " + strict));
        }
        if (schema.checksValues()) {
            List<ObjectValidation.Violation> violations = withRuleViolations(schema, findings.violations(), object, old);
            if (!violations.isEmpty()) {
                String name = String.valueOf(ObjectFields.at(object, "metadata", "name"));
                return refused(ObjectValidation.invalid(schema.kind() + "." + target.group(), schema.kind(),
                        target.group(), name, violations));
            }
        }
        return new Outcome(Optional.empty(), directive == Directive.WARN ? unknown : List.of(), !unknown.isEmpty());
    }

    /**
     * The schema's violations and those of its CEL rules; as on the API server, the rules are not evaluated when the
     * object has a wrong type, a missing required field, an unsupported value or too long or too many values, which
     * is said instead (where the schema has rules).
     */
    private static List<ObjectValidation.Violation> withRuleViolations(ObjectSchemas.ObjectSchema schema,
            List<ObjectValidation.Violation> violations, Map<String, Object> object, Map<String, Object> old) {
        if (violations.stream().anyMatch(violation -> BLOCKING.contains(violation.reason()))) {
            if (!CelValidation.hasRules(schema.schema())) {
                return violations;
            }
            List<ObjectValidation.Violation> all = new ArrayList<>(violations);
            all.add(new ObjectValidation.Violation("FieldValueInvalid", "<nil>", "Invalid value: \"null\": some "
                    + "validation rules were not checked because the object was invalid; correct the existing errors "
                    + "to complete validation"));
            return all;
        }
        List<ObjectValidation.Violation> broken = CelValidation.check(schema.schema(), object, old);
        if (broken.isEmpty()) {
            return violations;
        }
        List<ObjectValidation.Violation> all = new ArrayList<>(violations);
        all.addAll(broken);
        return all;
    }

    private static Outcome refused(MockResponse response) {
        return new Outcome(Optional.of(response), List.of(), false);
    }
}

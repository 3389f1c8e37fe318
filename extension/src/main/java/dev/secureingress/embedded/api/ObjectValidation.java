package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.mockwebserver.http.MockResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checks a real API server makes before it stores a new object, with its error answers: the body's
 * apiVersion and kind must match the request path (400), a name is required and must be a valid DNS name
 * (422), the namespace in the body must match the path (400), TLS secrets need a certificate and key (422), the
 * annotations may hold at most 256 KiB ({@link #annotationsTooLong}, 422), and the CEL rules of a CustomResourceDefinition must compile ({@link CrdRuleCompilation}, 422).
 */
final class ObjectValidation {

    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

    private ObjectValidation() {
    }

    /** An error answer for creating {@code object} at {@code target}, or empty when it may be stored. */
    static Optional<MockResponse> validateCreate(ResourcePath target, Map<String, Object> object, ApiDiscovery discovery) {
        Object apiVersion = object.get("apiVersion");
        Object kind = object.get("kind");
        if (kind == null || String.valueOf(kind).isBlank()) {
            return Optional.of(ApiErrors.badRequest("Object 'Kind' is missing in '" + ApiJson.write(object) + "'"));
        }
        if (apiVersion != null && !target.groupVersion().equals(apiVersion)) {
            return Optional.of(ApiErrors.badRequest("the API version in the data (" + apiVersion
                    + ") does not match the expected API version (" + target.groupVersion() + ")"));
        }
        String expectedKind = discovery.resources(target.groupVersion()).stream()
                .filter(resource -> resource.getName().equals(target.plural()))
                .map(APIResource::getKind)
                .findFirst().orElse(String.valueOf(kind));
        if (!expectedKind.equals(kind)) {
            return Optional.of(ApiErrors.badRequest("the kind in the data (" + kind
                    + ") does not match the expected kind (" + expectedKind + ") of " + target.qualifiedResource()));
        }
        Map<?, ?> metadata = object.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
        Object bodyNamespace = metadata.get("namespace");
        if (target.namespace() != null && bodyNamespace != null && !bodyNamespace.equals(target.namespace())) {
            return Optional.of(ApiErrors.badRequest(
                    "the namespace of the provided object does not match the namespace sent on the request"));
        }

        String name = metadata.get("name") == null ? "" : String.valueOf(metadata.get("name"));
        String qualifiedKind = target.group().isEmpty() ? expectedKind : expectedKind + "." + target.group();
        List<Violation> violations = new ArrayList<>();
        if (name.isEmpty()) {
            if (metadata.get("generateName") == null) {
                violations.add(new Violation("FieldValueRequired", "metadata.name",
                        "Required value: name or generateName is required"));
            }
        } else {
            nameViolation(target.plural(), name).ifPresent(violations::add);
        }
        if (expectedKind.equals("Secret") && "kubernetes.io/tls".equals(object.get("type"))) {
            Map<?, ?> data = object.get("data") instanceof Map<?, ?> d ? d : Map.of();
            Map<?, ?> stringData = object.get("stringData") instanceof Map<?, ?> d ? d : Map.of();
            for (String key : List.of("tls.crt", "tls.key")) {
                if (data.get(key) == null && stringData.get(key) == null) {
                    violations.add(new Violation("FieldValueRequired", "data[" + key + "]", "Required value"));
                }
            }
        }
        annotationsTooLong(object).ifPresent(violations::add);
        if (CrdRuleCompilation.concerns(target)) {
            violations.addAll(CrdRuleCompilation.violations(object));
        }
        if (violations.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(invalid(qualifiedKind, expectedKind, target.group(), name, violations));
    }

    private static Optional<Violation> nameViolation(String plural, String name) {
        if (plural.equals("services")) {
            return check(DNS1035_LABEL, 63, name, "a DNS-1035 label must consist of lower case alphanumeric "
                    + "characters or '-', start with an alphabetic character, and end with an alphanumeric character "
                    + "(e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
        }
        if (plural.equals("namespaces")) {
            return check(DNS1123_LABEL, 63, name, "a lowercase RFC 1123 label must consist of lower case "
                    + "alphanumeric characters or '-', and must start and end with an alphanumeric character "
                    + "(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
        }
        return check(DNS1123_SUBDOMAIN, 253, name, "a lowercase RFC 1123 subdomain must consist of lower case "
                + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character "
                + "(e.g. 'example.com', regex used for validation is "
                + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    }

    private static Optional<Violation> check(Pattern pattern, int maxLength, String name, String rule) {
        if (name.length() > maxLength) {
            return Optional.of(new Violation("FieldValueInvalid", "metadata.name", "Invalid value: \"" + name
                    + "\": must be no more than " + maxLength + " characters"));
        }
        if (!pattern.matcher(name).matches()) {
            return Optional.of(new Violation("FieldValueInvalid", "metadata.name",
                    "Invalid value: \"" + name + "\": " + rule));
        }
        return Optional.empty();
    }

    /**
     * kube-apiserver's limit on an object's annotations, keys and values together, in bytes: what a client-side
     * {@code kubectl apply} of a large object (a CRD with a long schema) runs into with its
     * {@code kubectl.kubernetes.io/last-applied-configuration} annotation.
     */
    static final int TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

    /** The violation of an object whose annotations are longer than {@link #TOTAL_ANNOTATION_SIZE_LIMIT}, if it is. */
    static Optional<Violation> annotationsTooLong(Map<String, Object> object) {
        if (!(object.get("metadata") instanceof Map<?, ?> metadata)
                || !(metadata.get("annotations") instanceof Map<?, ?> annotations)) {
            return Optional.empty();
        }
        long size = 0;
        for (Map.Entry<?, ?> annotation : annotations.entrySet()) {
            size += utf8Length(String.valueOf(annotation.getKey()))
                    + (annotation.getValue() == null ? 0 : utf8Length(String.valueOf(annotation.getValue())));
        }
        return size <= TOTAL_ANNOTATION_SIZE_LIMIT ? Optional.empty() : Optional.of(new Violation("FieldValueTooLong",
                "metadata.annotations", "Too long: may not be more than " + TOTAL_ANNOTATION_SIZE_LIMIT + " bytes"));
    }

    private static long utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** One reason why an object is invalid: a cause of the answer, e.g. {@code FieldValueInvalid} of {@code metadata.name}. */
    record Violation(String reason, String field, String message) {
    }

    /**
     * The 422 answer that object {@code name} of {@code kind} is invalid, e.g. {@code Service "web" is invalid:
     * spec.clusterIPs[0]: Invalid value: ...}, with a cause per violation.
     */
    static MockResponse invalid(String qualifiedKind, String kind, String group, String name,
                                        List<Violation> violations) {
        List<String> parts = violations.stream().map(v -> v.field() + ": " + v.message()).toList();
        String details = parts.size() == 1 ? parts.get(0) : "[" + String.join(", ", parts) + "]";
        String message = qualifiedKind + " \"" + name + "\" is invalid: " + details;
        var status = new StatusBuilder()
                .withApiVersion("v1").withKind("Status").withStatus("Failure")
                .withReason("Invalid").withCode(422).withMessage(message)
                .withNewDetails().withName(name).withGroup(group.isEmpty() ? null : group)
                .withKind(kind)
                .withCauses(violations.stream().map(v -> new StatusCauseBuilder()
                        .withReason(v.reason()).withField(v.field()).withMessage(v.message()).build()).toList())
                .endDetails()
                .build();
        return new MockResponse().setResponseCode(422).setHeader("Content-Type", "application/json")
                .setBody(ApiJson.write(status));
    }
}

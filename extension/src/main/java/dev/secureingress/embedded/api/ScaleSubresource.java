package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.net.HttpURLConnection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.stream.Collectors;

/**
 * The {@code scale} subresource of Deployments, ReplicaSets and StatefulSets, as {@code kubectl scale} and
 * autoscalers use it: reads answer an {@code autoscaling/v1} {@code Scale} (desired and current replicas, the
 * selector as a string), and writes of a Scale (PUT, or a merge patch such as {@code {"spec":{"replicas":3}}})
 * change the object's {@code spec.replicas} and nothing else.
 */
final class ScaleSubresource {

    private static final Set<String> SCALABLE = Set.of("deployments", "replicasets", "statefulsets");

    private final WatchedStore store;

    ScaleSubresource(WatchedStore store) {
        this.store = store;
    }

    /** True for {@code .../deployments/NAME/scale} and the like. */
    static boolean isScale(ResourcePath target) {
        return "scale".equals(target.subresource()) && target.name() != null && SCALABLE.contains(target.plural());
    }

    MockResponse handle(ResourcePath target, RecordedRequest request, String objectPath) {
        MockResponse current = store.handleGet(objectPath);
        if (current.code() != HttpURLConnection.HTTP_OK) {
            return current;
        }
        Map<String, Object> object = ApiJson.parseObject(ApiJson.text(current.getBody()));
        if (request.method() == HttpMethod.GET) {
            return scaleOf(object);
        }
        String contentType = String.valueOf(request.getHeader("Content-Type"));
        boolean patch = request.method() == HttpMethod.PATCH;
        if (!(request.method() == HttpMethod.PUT || patch)) {
            return ApiErrors.status(HttpURLConnection.HTTP_BAD_METHOD, "MethodNotAllowed",
                    request.method() + " is not supported on " + target.qualifiedResource() + "/scale");
        }
        if (patch && !contentType.startsWith("application/merge-patch+json")
                && !contentType.startsWith("application/strategic-merge-patch+json")) {
            return ApiErrors.status(HttpURLConnection.HTTP_UNSUPPORTED_TYPE, "UnsupportedMediaType",
                    "the scale subresource of this embedded API server accepts application/merge-patch+json and"
                            + " application/strategic-merge-patch+json patches, not " + contentType);
        }
        Map<String, Object> written;
        try {
            Map<String, Object> body = ApiJson.parseObject(ApiJson.text(request.getBody()));
            written = patch ? JsonMergePatch.apply(scale(object), body) : body;
        } catch (RuntimeException malformed) {
            return ApiErrors.badRequest("invalid Scale: " + malformed.getMessage());
        }
        if (!(ObjectFields.at(written, "spec", "replicas") instanceof Number replicas) || replicas.intValue() < 0) {
            return ApiErrors.status(422, "Invalid", "Scale \"" + target.name() + "\" is invalid: spec.replicas: "
                    + "Invalid value: " + ObjectFields.at(written, "spec", "replicas") + ": must be a whole number >= 0");
        }
        Optional<MockResponse> conflict = OptimisticConcurrency.check(target, written, object);
        if (conflict.isPresent()) {
            return conflict.get();
        }
        child(object, "spec").put("replicas", replicas.intValue());
        MockResponse stored = store.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.PUT, objectPath,
                Headers.builder().add("Content-Type", "application/json").build(),
                new Buffer().writeUtf8(ApiJson.write(object))));
        if (stored.code() != HttpURLConnection.HTTP_OK) {
            return stored;
        }
        return scaleOf(ApiJson.parseObject(ApiJson.text(stored.getBody())));
    }

    private static MockResponse scaleOf(Map<String, Object> object) {
        return ApiJson.json(HttpURLConnection.HTTP_OK, ApiJson.write(scale(object)));
    }

    /** The {@code autoscaling/v1} Scale of a scalable object. */
    static Map<String, Object> scale(Map<String, Object> object) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (String key : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
            Object value = ObjectFields.at(object, "metadata", key);
            if (value != null) {
                metadata.put(key, value);
            }
        }
        Map<String, Object> scale = new LinkedHashMap<>();
        scale.put("kind", "Scale");
        scale.put("apiVersion", "autoscaling/v1");
        scale.put("metadata", metadata);
        scale.put("spec", Map.of("replicas", number(ObjectFields.at(object, "spec", "replicas"), 1)));
        scale.put("status", Map.of("replicas", number(ObjectFields.at(object, "status", "replicas"), 0),
                "selector", selector(ObjectFields.at(object, "spec", "selector"))));
        return scale;
    }

    /** A label selector as a string, as {@code kubectl get -l} takes it: {@code app=httpbin,version=v1}. */
    static String selector(Object labelSelector) {
        if (!(labelSelector instanceof Map<?, ?> selector)) {
            return "";
        }
        record Requirement(String key, String text) {
        }
        List<Requirement> requirements = new ArrayList<>();
        if (selector.get("matchLabels") instanceof Map<?, ?> labels) {
            labels.forEach((key, value) -> requirements.add(new Requirement(String.valueOf(key), key + "=" + value)));
        }
        if (selector.get("matchExpressions") instanceof List<?> expressions) {
            for (Object entry : expressions) {
                if (entry instanceof Map<?, ?> expression) {
                    String key = String.valueOf(expression.get("key"));
                    String values = expression.get("values") instanceof List<?> list
                            ? list.stream().map(String::valueOf).sorted().collect(Collectors.joining(",")) : "";
                    requirements.add(new Requirement(key, switch (String.valueOf(expression.get("operator"))) {
                        case "In" -> key + " in (" + values + ")";
                        case "NotIn" -> key + " notin (" + values + ")";
                        case "Exists" -> key;
                        case "DoesNotExist" -> "!" + key;
                        default -> key + " " + expression.get("operator") + " (" + values + ")";
                    }));
                }
            }
        }
        // sorted by key, as Kubernetes prints selectors
        return requirements.stream()
                .sorted(Comparator.comparing(Requirement::key).thenComparing(Requirement::text))
                .map(Requirement::text)
                .collect(Collectors.joining(","));
    }

    private static int number(Object value, int otherwise) {
        return value instanceof Number number ? number.intValue() : otherwise;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> object, String key) {
        Object value = object.get(key);
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) map);
            object.put(key, copy);
            return copy;
        }
        Map<String, Object> created = new LinkedHashMap<>();
        object.put(key, created);
        return created;
    }
}

package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON as the embedded API server reads and writes it. One fabric8 serialization serves the server and the clients
 * it makes ({@link EmbeddedApiServer#client()}, {@link EmbeddedApiServer#inProcessClient()}), so a JVM builds its
 * readers and writers for each resource type once; its polymorphic reads (watch events, lists, manifests) load the
 * model class of a kind when they first meet it ({@link LazyKindDeserializer}).
 */
final class ApiJson {

    /** The serialization of the server and of every client it makes. */
    static final KubernetesSerialization SERIALIZATION = LazyKindDeserializer.serialization();

    private ApiJson() {
    }

    /** {@code value} as JSON text. */
    static String write(Object value) {
        return SERIALIZATION.asJson(value);
    }

    /** {@code json} (or YAML) read as a {@code type}. */
    static <T> T read(String json, Class<T> type) {
        return SERIALIZATION.unmarshal(json, type);
    }

    /** {@code value} converted to a {@code type}, e.g. a model object to a {@code Map} or a {@code JsonNode}. */
    static <T> T convert(Object value, Class<T> type) {
        return SERIALIZATION.convertValue(value, type);
    }

    /** A JSON object as a mutable map; anything else is an {@link IllegalArgumentException}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String json) {
        Object parsed = read(json, Object.class);
        if (!(parsed instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return new LinkedHashMap<>((Map<String, Object>) parsed);
    }

    /** A body as text, without consuming it (the mock's buffers empty themselves when read). */
    static String text(Buffer body) {
        return body == null ? "" : new String(body.getBytes(), StandardCharsets.UTF_8);
    }

    /** The headers of a request whose body is JSON. */
    static Headers jsonHeaders() {
        return Headers.builder().add("Content-Type", "application/json").build();
    }

    /** An answer with a JSON body. */
    static MockResponse json(int code, String body) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
    }
}

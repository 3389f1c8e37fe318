package dev.secureingress.embedded.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the Kubernetes protobuf encoding ({@code application/vnd.kubernetes.protobuf}) of the few kinds that
 * kubectl's {@code create} subcommands send that way (Secret, ConfigMap, Namespace, ServiceAccount) into the
 * JSON object model the store keeps. Go clients do not fall back to JSON when a server refuses protobuf.
 *
 * <p>The envelope is the 4-byte magic {@code k8s\0} followed by a {@code runtime.Unknown} message (type meta,
 * raw object bytes); the raw bytes are the object's generated protobuf message, read here field by field
 * with the field numbers of {@code k8s.io/api/core/v1/generated.proto}. Unknown fields are skipped.
 */
final class ProtobufObjects {

    private static final byte[] MAGIC = {'k', '8', 's', 0};

    private enum Type { STRING, BYTES, BOOL, INT64, MESSAGE, STRING_MAP, BYTES_MAP, STRING_LIST, MESSAGE_LIST }

    private record Field(String name, Type type, Map<Integer, Field> schema) {
        static Field of(String name, Type type) {
            return new Field(name, type, Map.of());
        }
    }

    private static final Map<Integer, Field> TYPE_META = Map.of(
            1, Field.of("apiVersion", Type.STRING),
            2, Field.of("kind", Type.STRING));
    private static final Map<Integer, Field> OWNER_REFERENCE = Map.of(
            5, Field.of("apiVersion", Type.STRING),
            1, Field.of("kind", Type.STRING),
            3, Field.of("name", Type.STRING),
            4, Field.of("uid", Type.STRING),
            6, Field.of("controller", Type.BOOL),
            7, Field.of("blockOwnerDeletion", Type.BOOL));
    private static final Map<Integer, Field> OBJECT_META = Map.of(
            1, Field.of("name", Type.STRING),
            2, Field.of("generateName", Type.STRING),
            3, Field.of("namespace", Type.STRING),
            6, Field.of("resourceVersion", Type.STRING),
            11, Field.of("labels", Type.STRING_MAP),
            12, Field.of("annotations", Type.STRING_MAP),
            13, new Field("ownerReferences", Type.MESSAGE_LIST, OWNER_REFERENCE),
            14, Field.of("finalizers", Type.STRING_LIST));
    private static final Field METADATA = new Field("metadata", Type.MESSAGE, OBJECT_META);
    private static final Map<Integer, Field> NAME_ONLY = Map.of(1, Field.of("name", Type.STRING));

    /** Object schemas by kind. */
    private static final Map<String, Map<Integer, Field>> KINDS = Map.of(
            "Secret", Map.of(1, METADATA,
                    2, Field.of("data", Type.BYTES_MAP),
                    3, Field.of("type", Type.STRING),
                    4, Field.of("stringData", Type.STRING_MAP),
                    5, Field.of("immutable", Type.BOOL)),
            "ConfigMap", Map.of(1, METADATA,
                    2, Field.of("data", Type.STRING_MAP),
                    3, Field.of("binaryData", Type.BYTES_MAP),
                    4, Field.of("immutable", Type.BOOL)),
            "Namespace", Map.of(1, METADATA,
                    2, new Field("spec", Type.MESSAGE, Map.of(1, Field.of("finalizers", Type.STRING_LIST)))),
            "ServiceAccount", Map.of(1, METADATA,
                    3, new Field("imagePullSecrets", Type.MESSAGE_LIST, NAME_ONLY),
                    4, Field.of("automountServiceAccountToken", Type.BOOL)));

    private ProtobufObjects() {
    }

    /**
     * The object as a JSON object model, or empty when its kind is not one this reader knows.
     *
     * @throws IllegalArgumentException when the bytes are not a Kubernetes protobuf envelope
     */
    static Optional<Map<String, Object>> read(byte[] body) {
        if (body.length < MAGIC.length || body[0] != MAGIC[0] || body[1] != MAGIC[1] || body[2] != MAGIC[2]
                || body[3] != MAGIC[3]) {
            throw new IllegalArgumentException("missing the k8s protobuf envelope prefix");
        }
        Reader envelope = new Reader(body, MAGIC.length, body.length);
        Map<String, Object> typeMeta = Map.of();
        byte[] raw = null;
        while (envelope.hasMore()) {
            int tag = (int) envelope.varint();
            switch (tag >>> 3) {
                case 1 -> typeMeta = envelope.message(TYPE_META);
                case 2 -> raw = envelope.bytes();
                default -> envelope.skip(tag & 7);
            }
        }
        Map<Integer, Field> schema = KINDS.get(String.valueOf(typeMeta.get("kind")));
        if (schema == null || raw == null) {
            return Optional.empty();
        }
        Map<String, Object> object = new LinkedHashMap<>(typeMeta);
        object.putAll(new Reader(raw, 0, raw.length).fields(schema));
        return Optional.of(object);
    }

    /** Reads protobuf wire format from a byte range. */
    private static final class Reader {
        private final byte[] bytes;
        private int position;
        private final int end;

        Reader(byte[] bytes, int position, int end) {
            this.bytes = bytes;
            this.position = position;
            this.end = end;
        }

        boolean hasMore() {
            return position < end;
        }

        long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (position >= end) {
                    throw new IllegalArgumentException("truncated varint");
                }
                byte b = bytes[position++];
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("malformed varint");
        }

        byte[] bytes() {
            int length = (int) varint();
            if (length < 0 || position + length > end) {
                throw new IllegalArgumentException("truncated length-delimited field");
            }
            byte[] value = java.util.Arrays.copyOfRange(bytes, position, position + length);
            position += length;
            return value;
        }

        Map<String, Object> message(Map<Integer, Field> schema) {
            byte[] nested = bytes();
            return new Reader(nested, 0, nested.length).fields(schema);
        }

        Map<String, Object> fields(Map<Integer, Field> schema) {
            Map<String, Object> object = new LinkedHashMap<>();
            while (hasMore()) {
                int tag = (int) varint();
                Field field = schema.get(tag >>> 3);
                if (field == null) {
                    skip(tag & 7);
                    continue;
                }
                switch (field.type()) {
                    case STRING -> object.put(field.name(), new String(bytes(), StandardCharsets.UTF_8));
                    case BYTES -> object.put(field.name(), Base64.getEncoder().encodeToString(bytes()));
                    case BOOL -> object.put(field.name(), varint() != 0);
                    case INT64 -> object.put(field.name(), varint());
                    case MESSAGE -> object.put(field.name(), message(field.schema()));
                    case STRING_MAP, BYTES_MAP -> {
                        Map<String, Object> entry = message(Map.of(
                                1, Field.of("key", Type.STRING),
                                2, Field.of("value", field.type() == Type.BYTES_MAP ? Type.BYTES : Type.STRING)));
                        mapOf(object, field.name()).put(String.valueOf(entry.get("key")),
                                entry.getOrDefault("value", ""));
                    }
                    case STRING_LIST -> listOf(object, field.name()).add(new String(bytes(), StandardCharsets.UTF_8));
                    case MESSAGE_LIST -> listOf(object, field.name()).add(message(field.schema()));
                }
            }
            return object;
        }

        void skip(int wireType) {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> position += 8;
                case 2 -> bytes();
                case 5 -> position += 4;
                default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wireType);
            }
        }

        @SuppressWarnings("unchecked")
        private static Map<String, Object> mapOf(Map<String, Object> object, String name) {
            return (Map<String, Object>) object.computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
        }

        @SuppressWarnings("unchecked")
        private static List<Object> listOf(Map<String, Object> object, String name) {
            return (List<Object>) object.computeIfAbsent(name, k -> new ArrayList<>());
        }
    }
}

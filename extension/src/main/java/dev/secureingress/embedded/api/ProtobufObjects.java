package dev.secureingress.embedded.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the Kubernetes protobuf encoding ({@code application/vnd.kubernetes.protobuf}) of the kinds that
 * kubectl's {@code create} subcommands send that way (Secret, ConfigMap, Namespace, ServiceAccount, Service,
 * Deployment) into the JSON object model the store keeps. Go clients do not fall back to JSON when a server
 * refuses protobuf.
 *
 * <p>The envelope is the 4-byte magic {@code k8s\0} followed by a {@code runtime.Unknown} message (type meta,
 * raw object bytes); the raw bytes are the object's generated protobuf message, read here field by field with
 * the field numbers of {@code k8s.io/api/core/v1}, {@code k8s.io/api/apps/v1} and
 * {@code k8s.io/apimachinery/pkg/apis/meta/v1} ({@code generated.proto}). Unknown fields are skipped.
 *
 * <p>Go clients write every field of a value type, set or not; a field whose Go type is a pointer only when it is
 * set. So a zero value ({@code ""}, {@code 0}, {@code false}) of a value field means "not set" and is left out, as
 * Go's JSON encoding leaves it out, while a pointer field keeps its zero ({@code replicas: 0}).
 */
final class ProtobufObjects {

    private static final byte[] MAGIC = {'k', '8', 's', 0};

    private enum Type {
        STRING, BYTES, BOOL,
        /** int32 or int64: both are varints, negative values sign-extended to 64 bits. */
        INTEGER,
        /** {@code intstr.IntOrString}: a number or a string in JSON. */
        INT_OR_STRING,
        MESSAGE, STRING_MAP, BYTES_MAP,
        /** {@code map<string, resource.Quantity>}: quantities are strings in JSON ({@code 500m}). */
        QUANTITY_MAP,
        STRING_LIST, MESSAGE_LIST
    }

    /**
     * One field of a message.
     *
     * @param keepsZero true for a field Go clients send only when set (a pointer in the Go type)
     * @param schema    the fields of a {@link Type#MESSAGE} or {@link Type#MESSAGE_LIST} field
     */
    private record Field(int number, String name, Type type, boolean keepsZero, Map<Integer, Field> schema) {

        /** A field of a value type: its zero value means "not set". */
        static Field of(int number, String name, Type type) {
            return new Field(number, name, type, false, Map.of());
        }

        /** A field Go clients send only when set: its zero value is meant. */
        static Field pointer(int number, String name, Type type) {
            return new Field(number, name, type, true, Map.of());
        }

        static Field message(int number, String name, Map<Integer, Field> schema) {
            return new Field(number, name, Type.MESSAGE, true, schema);
        }

        static Field messages(int number, String name, Map<Integer, Field> schema) {
            return new Field(number, name, Type.MESSAGE_LIST, true, schema);
        }
    }

    /** A message's fields by number. */
    private static Map<Integer, Field> schema(Field... fields) {
        return Arrays.stream(fields).collect(Collectors.toUnmodifiableMap(Field::number, Function.identity()));
    }

    private static final Map<Integer, Field> TYPE_META = schema(
            Field.of(1, "apiVersion", Type.STRING),
            Field.of(2, "kind", Type.STRING));

    // k8s.io/apimachinery/pkg/apis/meta/v1

    private static final Map<Integer, Field> OWNER_REFERENCE = schema(
            Field.of(5, "apiVersion", Type.STRING),
            Field.of(1, "kind", Type.STRING),
            Field.of(3, "name", Type.STRING),
            Field.of(4, "uid", Type.STRING),
            Field.pointer(6, "controller", Type.BOOL),
            Field.pointer(7, "blockOwnerDeletion", Type.BOOL));
    private static final Map<Integer, Field> OBJECT_META = schema(
            Field.of(1, "name", Type.STRING),
            Field.of(2, "generateName", Type.STRING),
            Field.of(3, "namespace", Type.STRING),
            Field.of(6, "resourceVersion", Type.STRING),
            Field.of(11, "labels", Type.STRING_MAP),
            Field.of(12, "annotations", Type.STRING_MAP),
            Field.messages(13, "ownerReferences", OWNER_REFERENCE),
            Field.of(14, "finalizers", Type.STRING_LIST));
    private static final Field METADATA = Field.message(1, "metadata", OBJECT_META);
    private static final Map<Integer, Field> LABEL_SELECTOR = schema(
            Field.of(1, "matchLabels", Type.STRING_MAP),
            Field.messages(2, "matchExpressions", schema(
                    Field.of(1, "key", Type.STRING),
                    Field.of(2, "operator", Type.STRING),
                    Field.of(3, "values", Type.STRING_LIST))));

    // k8s.io/apimachinery/pkg/util/intstr and k8s.io/apimachinery/pkg/api/resource

    private static final Map<Integer, Field> INT_OR_STRING = schema(
            Field.pointer(1, "type", Type.INTEGER),
            Field.pointer(2, "intVal", Type.INTEGER),
            Field.pointer(3, "strVal", Type.STRING));
    private static final Map<Integer, Field> QUANTITY = schema(Field.pointer(1, "string", Type.STRING));

    // k8s.io/api/core/v1

    private static final Map<Integer, Field> LOCAL_OBJECT_REFERENCE = schema(Field.of(1, "name", Type.STRING));
    private static final Map<Integer, Field> CONTAINER = schema(
            Field.of(1, "name", Type.STRING),
            Field.of(2, "image", Type.STRING),
            Field.of(3, "command", Type.STRING_LIST),
            Field.of(4, "args", Type.STRING_LIST),
            Field.of(5, "workingDir", Type.STRING),
            Field.messages(6, "ports", schema(
                    Field.of(1, "name", Type.STRING),
                    Field.of(2, "hostPort", Type.INTEGER),
                    Field.of(3, "containerPort", Type.INTEGER),
                    Field.of(4, "protocol", Type.STRING),
                    Field.of(5, "hostIP", Type.STRING))),
            Field.messages(7, "env", schema(
                    Field.of(1, "name", Type.STRING),
                    Field.of(2, "value", Type.STRING))),
            Field.message(8, "resources", schema(
                    Field.of(1, "limits", Type.QUANTITY_MAP),
                    Field.of(2, "requests", Type.QUANTITY_MAP))),
            Field.of(13, "terminationMessagePath", Type.STRING),
            Field.of(14, "imagePullPolicy", Type.STRING),
            Field.of(16, "stdin", Type.BOOL),
            Field.of(17, "stdinOnce", Type.BOOL),
            Field.of(18, "tty", Type.BOOL),
            Field.of(20, "terminationMessagePolicy", Type.STRING));
    private static final Map<Integer, Field> POD_SPEC = schema(
            Field.messages(2, "containers", CONTAINER),
            Field.of(3, "restartPolicy", Type.STRING),
            Field.pointer(4, "terminationGracePeriodSeconds", Type.INTEGER),
            Field.pointer(5, "activeDeadlineSeconds", Type.INTEGER),
            Field.of(6, "dnsPolicy", Type.STRING),
            Field.of(7, "nodeSelector", Type.STRING_MAP),
            Field.of(8, "serviceAccountName", Type.STRING),
            Field.of(10, "nodeName", Type.STRING),
            Field.of(11, "hostNetwork", Type.BOOL),
            Field.messages(15, "imagePullSecrets", LOCAL_OBJECT_REFERENCE),
            Field.of(16, "hostname", Type.STRING),
            Field.of(17, "subdomain", Type.STRING),
            Field.of(19, "schedulerName", Type.STRING),
            Field.messages(20, "initContainers", CONTAINER),
            Field.pointer(21, "automountServiceAccountToken", Type.BOOL),
            Field.pointer(30, "enableServiceLinks", Type.BOOL));
    private static final Map<Integer, Field> POD_TEMPLATE_SPEC = schema(
            METADATA,
            Field.message(2, "spec", POD_SPEC));
    private static final Map<Integer, Field> SERVICE_SPEC = schema(
            Field.messages(1, "ports", schema(
                    Field.of(1, "name", Type.STRING),
                    Field.of(2, "protocol", Type.STRING),
                    Field.of(3, "port", Type.INTEGER),
                    Field.of(4, "targetPort", Type.INT_OR_STRING),
                    Field.of(5, "nodePort", Type.INTEGER),
                    Field.pointer(6, "appProtocol", Type.STRING))),
            Field.of(2, "selector", Type.STRING_MAP),
            Field.of(3, "clusterIP", Type.STRING),
            Field.of(4, "type", Type.STRING),
            Field.of(5, "externalIPs", Type.STRING_LIST),
            Field.of(7, "sessionAffinity", Type.STRING),
            Field.of(8, "loadBalancerIP", Type.STRING),
            Field.of(9, "loadBalancerSourceRanges", Type.STRING_LIST),
            Field.of(10, "externalName", Type.STRING),
            Field.of(11, "externalTrafficPolicy", Type.STRING),
            Field.of(12, "healthCheckNodePort", Type.INTEGER),
            Field.of(13, "publishNotReadyAddresses", Type.BOOL),
            Field.pointer(17, "ipFamilyPolicy", Type.STRING),
            Field.of(18, "clusterIPs", Type.STRING_LIST),
            Field.of(19, "ipFamilies", Type.STRING_LIST),
            Field.pointer(20, "allocateLoadBalancerNodePorts", Type.BOOL),
            Field.pointer(21, "loadBalancerClass", Type.STRING),
            Field.pointer(22, "internalTrafficPolicy", Type.STRING));

    // k8s.io/api/apps/v1

    private static final Map<Integer, Field> DEPLOYMENT_SPEC = schema(
            Field.pointer(1, "replicas", Type.INTEGER),
            Field.message(2, "selector", LABEL_SELECTOR),
            Field.message(3, "template", POD_TEMPLATE_SPEC),
            Field.message(4, "strategy", schema(
                    Field.of(1, "type", Type.STRING),
                    Field.message(2, "rollingUpdate", schema(
                            Field.pointer(1, "maxUnavailable", Type.INT_OR_STRING),
                            Field.pointer(2, "maxSurge", Type.INT_OR_STRING))))),
            Field.of(5, "minReadySeconds", Type.INTEGER),
            Field.pointer(6, "revisionHistoryLimit", Type.INTEGER),
            Field.of(7, "paused", Type.BOOL),
            Field.pointer(9, "progressDeadlineSeconds", Type.INTEGER));

    /** Object schemas by {@code apiVersion/kind}; the status of an object is the server's, not read. */
    private static final Map<String, Map<Integer, Field>> KINDS = Map.of(
            "v1/Secret", schema(METADATA,
                    Field.of(2, "data", Type.BYTES_MAP),
                    Field.of(3, "type", Type.STRING),
                    Field.of(4, "stringData", Type.STRING_MAP),
                    Field.pointer(5, "immutable", Type.BOOL)),
            "v1/ConfigMap", schema(METADATA,
                    Field.of(2, "data", Type.STRING_MAP),
                    Field.of(3, "binaryData", Type.BYTES_MAP),
                    Field.pointer(4, "immutable", Type.BOOL)),
            "v1/Namespace", schema(METADATA,
                    Field.message(2, "spec", schema(Field.of(1, "finalizers", Type.STRING_LIST)))),
            "v1/ServiceAccount", schema(METADATA,
                    Field.messages(3, "imagePullSecrets", LOCAL_OBJECT_REFERENCE),
                    Field.pointer(4, "automountServiceAccountToken", Type.BOOL)),
            "v1/Service", schema(METADATA,
                    Field.message(2, "spec", SERVICE_SPEC)),
            "apps/v1/Deployment", schema(METADATA,
                    Field.message(2, "spec", DEPLOYMENT_SPEC)));

    private ProtobufObjects() {
    }

    /**
     * The object as a JSON object model.
     *
     * @throws IllegalArgumentException when the bytes are not a Kubernetes protobuf envelope or hold a kind this
     *                                  reader does not know; the message says which and what to do instead
     */
    static Map<String, Object> read(byte[] body) {
        if (body.length < MAGIC.length || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new IllegalArgumentException("the body is not Kubernetes protobuf: it lacks the 'k8s\\0' prefix");
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
        Map<Integer, Field> schema = KINDS.get(typeMeta.get("apiVersion") + "/" + typeMeta.get("kind"));
        if (schema == null) {
            throw new IllegalArgumentException("this embedded API server reads protobuf only for " + knownKinds()
                    + ", not for " + typeMeta.get("kind") + " (" + typeMeta.get("apiVersion")
                    + "); send it as JSON or YAML (for example with kubectl apply)");
        }
        Map<String, Object> object = new LinkedHashMap<>(typeMeta);
        if (raw != null) {
            object.putAll(new Reader(raw, 0, raw.length).fields(schema));
        }
        return object;
    }

    private static String knownKinds() {
        List<String> kinds = KINDS.keySet().stream()
                .map(apiVersionAndKind -> apiVersionAndKind.substring(apiVersionAndKind.lastIndexOf('/') + 1))
                .sorted().toList();
        return String.join(", ", kinds.subList(0, kinds.size() - 1)) + " and " + kinds.get(kinds.size() - 1);
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
                    throw new IllegalArgumentException("malformed protobuf: truncated varint");
                }
                byte b = bytes[position++];
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("malformed protobuf: varint longer than 10 bytes");
        }

        byte[] bytes() {
            long length = varint();
            if (length < 0 || length > end - position) {
                throw new IllegalArgumentException("malformed protobuf: truncated length-delimited field");
            }
            byte[] value = Arrays.copyOfRange(bytes, position, position + (int) length);
            position += (int) length;
            return value;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
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
                    case STRING_MAP, BYTES_MAP, QUANTITY_MAP ->
                            mapOf(object, field.name()).putAll(mapEntry(field.type()));
                    case STRING_LIST -> listOf(object, field.name()).add(string());
                    case MESSAGE_LIST -> listOf(object, field.name()).add(message(field.schema()));
                    default -> {
                        Object value = value(field);
                        if (field.keepsZero() || !isZero(value)) {
                            object.put(field.name(), value);
                        }
                    }
                }
            }
            return object;
        }

        private Object value(Field field) {
            return switch (field.type()) {
                case STRING -> string();
                case BYTES -> Base64.getEncoder().encodeToString(bytes());
                case BOOL -> varint() != 0;
                case INTEGER -> varint();
                case INT_OR_STRING -> intOrString(message(INT_OR_STRING));
                case MESSAGE -> message(field.schema());
                default -> throw new IllegalStateException("not a single value: " + field.type());
            };
        }

        /** One entry of a protobuf map: a message with the key as field 1 and the value as field 2. */
        private Map<String, Object> mapEntry(Type mapType) {
            byte[] entry = bytes();
            Reader reader = new Reader(entry, 0, entry.length);
            String key = "";
            Object value = "";
            while (reader.hasMore()) {
                int tag = (int) reader.varint();
                switch (tag >>> 3) {
                    case 1 -> key = reader.string();
                    case 2 -> value = switch (mapType) {
                        case BYTES_MAP -> Base64.getEncoder().encodeToString(reader.bytes());
                        case QUANTITY_MAP -> reader.message(QUANTITY).getOrDefault("string", "");
                        default -> reader.string();
                    };
                    default -> reader.skip(tag & 7);
                }
            }
            return Map.of(key, value);
        }

        /** Type 0 is a number, type 1 a string. */
        private static Object intOrString(Map<String, Object> intOrString) {
            if (Long.valueOf(1).equals(intOrString.get("type"))) {
                return intOrString.getOrDefault("strVal", "");
            }
            return intOrString.getOrDefault("intVal", 0L);
        }

        private static boolean isZero(Object value) {
            return "".equals(value) || Boolean.FALSE.equals(value) || Long.valueOf(0).equals(value);
        }

        void skip(int wireType) {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> advance(8);
                case 2 -> bytes();
                case 5 -> advance(4);
                default -> throw new IllegalArgumentException("malformed protobuf: unsupported wire type " + wireType);
            }
        }

        private void advance(int count) {
            if (count > end - position) {
                throw new IllegalArgumentException("malformed protobuf: truncated fixed-length field");
            }
            position += count;
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

package dev.secureingress.embedded.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.Duration;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsOrArray;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsOrBool;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * OpenAPI v3 structural schemas derived from fabric8's model classes: every field a class names with Jackson's
 * {@code @JsonProperty} becomes a property, typed after the field's Java type ({@code String} -> string,
 * {@code Integer} -> integer int32, {@code Long} -> integer int64, {@code List<T>} -> array of T,
 * {@code Map<String, T>} -> object whose additionalProperties are T, {@code IntOrString} and {@code Quantity} ->
 * {@code x-kubernetes-int-or-string}, free-form values -> {@code x-kubernetes-preserve-unknown-fields}).
 *
 * <p>The models carry names and types only (no descriptions either), so the schemas know no required fields, enums
 * or patterns. A schema is derived once per class and JVM; the returned objects are shared and must not be changed.
 * {@link ModelComponents} describes the same classes with references between them, for the OpenAPI documents.
 */
final class ModelSchemas {

    private static final Map<Class<?>, JSONSchemaProps> OBJECTS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, JSONSchemaProps> KINDS = new ConcurrentHashMap<>();

    private ModelSchemas() {
    }

    /**
     * The schema of a kind's objects as a CRD publishes it: apiVersion, kind, {@code metadata} as a plain object
     * (the server checks metadata itself) and the class's other properties (spec, status, data, ...).
     */
    static JSONSchemaProps ofKind(Class<?> kind) {
        return KINDS.computeIfAbsent(kind, type -> {
            JSONSchemaProps derived = objectSchema(type, new HashSet<>());
            Map<String, JSONSchemaProps> properties = new LinkedHashMap<>(derived.getProperties());
            if (properties.containsKey("metadata")) {
                properties.put("metadata", typed("object"));
            }
            JSONSchemaProps schema = typed("object");
            schema.setProperties(properties);
            return schema;
        });
    }

    /** The schema of the objects of {@code type}, e.g. {@link ObjectMeta}, with all its nested properties. */
    static JSONSchemaProps ofObject(Class<?> type) {
        return objectSchema(type, new HashSet<>());
    }

    private static JSONSchemaProps objectSchema(Class<?> type, Set<Class<?>> deriving) {
        JSONSchemaProps cached = OBJECTS.get(type);
        if (cached != null) {
            return cached;
        }
        if (!deriving.add(type)) {
            return freeForm(); // a type that contains itself: its inner levels are not described
        }
        Map<String, JSONSchemaProps> properties = propertiesOf(type,
                field -> schemaOf(field, objectType -> inline(objectType, deriving)));
        deriving.remove(type);
        JSONSchemaProps schema = objectWith(properties);
        OBJECTS.putIfAbsent(type, schema);
        return schema;
    }

    /** A described object's schema: an object with {@code properties}, or with any content when it has none. */
    static JSONSchemaProps objectWith(Map<String, JSONSchemaProps> properties) {
        if (properties.isEmpty()) {
            return freeForm(); // only additionalProperties, e.g. FieldsV1: any content
        }
        JSONSchemaProps schema = typed("object");
        schema.setProperties(properties);
        return schema;
    }

    /** IntOrString and Quantity as int-or-string, a model class described in full. */
    private static JSONSchemaProps inline(Class<?> type, Set<Class<?>> deriving) {
        if (type == IntOrString.class || type == Quantity.class) {
            JSONSchemaProps intOrString = new JSONSchemaProps();
            intOrString.setXKubernetesIntOrString(true);
            return intOrString;
        }
        return objectSchema(type, deriving);
    }

    /**
     * The properties of model class {@code type} (its superclasses' included): each field it names with
     * {@code @JsonProperty}, under its JSON name, described by {@code fieldSchema} from the field's type.
     */
    static Map<String, JSONSchemaProps> propertiesOf(Class<?> type, Function<Type, JSONSchemaProps> fieldSchema) {
        Map<String, JSONSchemaProps> properties = new LinkedHashMap<>();
        for (Class<?> level = type; level != null && level != Object.class; level = level.getSuperclass()) {
            for (Field field : level.getDeclaredFields()) {
                JsonProperty property = field.getAnnotation(JsonProperty.class);
                if (property == null || field.isAnnotationPresent(JsonIgnore.class)
                        || Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                String name = property.value().isEmpty() ? field.getName() : property.value();
                if (!properties.containsKey(name)) {
                    properties.put(name, fieldSchema.apply(field.getGenericType()));
                }
            }
        }
        return properties;
    }

    /**
     * The schema of a value of Java type {@code type}: strings, numbers, booleans, lists, maps, arrays and values of
     * any content are described here; a value that is an object of its own ({@link IntOrString}, {@link Quantity}
     * or a model class) by {@code objectType}.
     */
    static JSONSchemaProps schemaOf(Type type, Function<Class<?>, JSONSchemaProps> objectType) {
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> raw) {
            Type[] arguments = parameterized.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw)) {
                JSONSchemaProps array = typed("array");
                array.setItems(new JSONSchemaPropsOrArray(null, schemaOf(arguments[0], objectType)));
                return array;
            }
            if (Map.class.isAssignableFrom(raw)) {
                JSONSchemaProps map = typed("object");
                map.setAdditionalProperties(new JSONSchemaPropsOrBool(null, schemaOf(arguments[1], objectType)));
                return map;
            }
            return schemaOf(raw, objectType);
        }
        if (!(type instanceof Class<?> javaType)) {
            return unknownContent();
        }
        if (javaType == String.class || javaType.isEnum() || javaType == Duration.class || javaType == MicroTime.class) {
            return typed("string");
        }
        if (javaType == Integer.class || javaType == int.class || javaType == Short.class || javaType == short.class) {
            return formatted("integer", "int32");
        }
        if (javaType == Long.class || javaType == long.class) {
            return formatted("integer", "int64");
        }
        if (javaType == Boolean.class || javaType == boolean.class) {
            return typed("boolean");
        }
        if (javaType == Double.class || javaType == double.class || javaType == Float.class || javaType == float.class) {
            return formatted("number", "double");
        }
        if (javaType == byte[].class) {
            return formatted("string", "byte");
        }
        if (javaType == IntOrString.class || javaType == Quantity.class) {
            return objectType.apply(javaType);
        }
        if (javaType == Object.class || javaType == AnyType.class || JsonNode.class.isAssignableFrom(javaType)
                || readByItsOwnDeserializer(javaType)) {
            return unknownContent();
        }
        if (javaType.isArray()) {
            JSONSchemaProps array = typed("array");
            array.setItems(new JSONSchemaPropsOrArray(null, schemaOf(javaType.getComponentType(), objectType)));
            return array;
        }
        return objectType.apply(javaType);
    }

    /**
     * True for a class Jackson reads with a deserializer of its own (e.g. JSONSchemaPropsOrBool, a boolean or a
     * schema): its JSON form is not its fields.
     */
    private static boolean readByItsOwnDeserializer(Class<?> type) {
        JsonDeserialize deserialize = type.getAnnotation(JsonDeserialize.class);
        return deserialize != null && deserialize.using() != ValueDeserializer.None.class;
    }

    private static JSONSchemaProps typed(String type) {
        JSONSchemaProps schema = new JSONSchemaProps();
        schema.setType(type);
        return schema;
    }

    private static JSONSchemaProps formatted(String type, String format) {
        JSONSchemaProps schema = typed(type);
        schema.setFormat(format);
        return schema;
    }

    /** An object that keeps whatever fields it is given. */
    private static JSONSchemaProps freeForm() {
        JSONSchemaProps schema = typed("object");
        schema.setXKubernetesPreserveUnknownFields(true);
        return schema;
    }

    /** A value of any JSON type, kept as given. */
    private static JSONSchemaProps unknownContent() {
        JSONSchemaProps schema = new JSONSchemaProps();
        schema.setXKubernetesPreserveUnknownFields(true);
        return schema;
    }
}

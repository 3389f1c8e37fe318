package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The {@code components.schemas} of an OpenAPI v3 document for built-in kinds, as the API server publishes them: one
 * schema per type, named as Kubernetes names it ({@code io.k8s.api.apps.v1.DeploymentSpec},
 * {@code io.k8s.api.core.v1.Container}, {@code io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta},
 * {@code io.k8s.apimachinery.pkg.api.resource.Quantity}), derived from fabric8's model classes with
 * {@link ModelSchemas}. A field of such a type refers to its type's schema ({@code allOf: [{$ref: ...}]}), which is
 * what kubectl explain prints as the field's type ({@code <DeploymentSpec>}, {@code <[]Container>},
 * {@code <map[string]Quantity>}). Quantity and IntOrString are schemas without a type, as there (a string or a
 * number). The models carry no descriptions, so the schemas have none.
 *
 * <p>Each class's schema is derived once per JVM; an instance collects the schemas one document needs.
 */
final class ModelComponents {

    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";
    private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
    /** The types of Kubernetes' meta/v1 package that fabric8 keeps beside the core/v1 ones. */
    private static final Set<String> META_TYPES = Set.of("ObjectMeta", "ListMeta", "LabelSelector",
            "LabelSelectorRequirement", "FieldSelectorRequirement", "OwnerReference", "ManagedFieldsEntry",
            "FieldsV1", "Condition", "Status", "StatusDetails", "StatusCause", "DeleteOptions", "Preconditions",
            "APIResource", "APIResourceList", "APIGroup", "APIGroupList", "APIVersions", "GroupVersionForDiscovery",
            "ServerAddressByClientCIDR", "WatchEvent", "Patch");
    private static final String REFERENCE_PREFIX = "#/components/schemas/";

    /** A type's schema and the types its fields refer to. */
    private record Component(JSONSchemaProps schema, List<Class<?>> references) {
    }

    private static final Map<Class<?>, Component> DERIVED = new ConcurrentHashMap<>();

    private final Map<String, JSONSchemaProps> schemas = new LinkedHashMap<>();

    /**
     * Adds the schema of model class {@code type} and those of the types it refers to, directly or not; returns the
     * name of its schema.
     */
    String add(Class<?> type) {
        String name = nameOf(type);
        if (!schemas.containsKey(name)) {
            Component component = DERIVED.computeIfAbsent(type, ModelComponents::derive);
            schemas.put(name, component.schema());
            component.references().forEach(this::add);
        }
        return name;
    }

    /** The schemas added so far, by name; shared, not to be changed. */
    Map<String, JSONSchemaProps> schemas() {
        return schemas;
    }

    /**
     * The name Kubernetes gives the type that {@code type} models: {@code io.k8s.api.<group>.<version>.<Type>} for
     * the API groups' types (core/v1's included), {@code io.k8s.apimachinery.pkg.apis.meta.v1.<Type>} for the meta
     * types, and the names of Quantity, IntOrString and the apiextensions types.
     */
    static String nameOf(Class<?> type) {
        if (type == Quantity.class) {
            return "io.k8s.apimachinery.pkg.api.resource.Quantity";
        }
        if (type == IntOrString.class) {
            return "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
        }
        String simpleName = type.getSimpleName();
        String javaPackage = type.getPackageName();
        if (javaPackage.equals(MODEL_PACKAGE)) {
            return (META_TYPES.contains(simpleName) ? META : "io.k8s.api.core.v1.") + simpleName;
        }
        String[] groupVersion = javaPackage.startsWith(MODEL_PACKAGE + ".")
                ? javaPackage.substring(MODEL_PACKAGE.length() + 1).split("\\.") : new String[] {javaPackage};
        String group = groupVersion[0];
        String version = groupVersion.length > 1 ? groupVersion[1] : "v1";
        return switch (group) {
            case "apiextensions" -> "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions." + version + "." + simpleName;
            case "runtime" -> "io.k8s.apimachinery.pkg.runtime." + simpleName;
            default -> "io.k8s.api." + group + "." + version + "." + simpleName;
        };
    }

    private static Component derive(Class<?> type) {
        if (type == Quantity.class || type == IntOrString.class) {
            JSONSchemaProps string = new JSONSchemaProps();
            string.setType("string");
            JSONSchemaProps number = new JSONSchemaProps();
            number.setType(type == Quantity.class ? "number" : "integer");
            JSONSchemaProps eitherOne = new JSONSchemaProps();
            eitherOne.setOneOf(type == Quantity.class ? List.of(string, number) : List.of(number, string));
            if (type == IntOrString.class) {
                eitherOne.setFormat("int-or-string");
            }
            return new Component(eitherOne, List.of());
        }
        List<Class<?>> references = new ArrayList<>();
        Function<Class<?>, JSONSchemaProps> reference = referred -> {
            references.add(referred);
            return referenceTo(referred);
        };
        JSONSchemaProps schema = ModelSchemas.objectWith(
                ModelSchemas.propertiesOf(type, field -> ModelSchemas.schemaOf(field, reference)));
        return new Component(schema, List.copyOf(references));
    }

    private static JSONSchemaProps referenceTo(Class<?> type) {
        JSONSchemaProps reference = new JSONSchemaProps();
        reference.set$ref(REFERENCE_PREFIX + nameOf(type));
        JSONSchemaProps referring = new JSONSchemaProps();
        referring.setAllOf(List.of(reference));
        return referring;
    }
}

package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.internal.KubernetesDeserializer;
import io.fabric8.kubernetes.model.jackson.Jackson2JdkTypesModule;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.AnnotationIntrospector;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.NopAnnotationIntrospector;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.TreeTraversingParser;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * fabric8's polymorphic deserializer ({@link KubernetesDeserializer}: a watch event's object, a list's items,
 * {@code client.load(...)}) told of each kind's model class when it first meets the kind. fabric8's own first use
 * loads and instantiates every model class on the class path, about a thousand classes and a third of a second of a
 * fresh JVM's CPU, most of them for kinds that never come by; this one asks {@link ModelClasses} for the one class a
 * document's {@code apiVersion} and {@code kind} name, then lets fabric8's deserializer do the rest as it always does
 * (custom resources without a class become {@code GenericKubernetesResource}s). Kinds registered on the
 * serialization ({@link KubernetesSerialization#registerKubernetesResource}) take precedence, as in fabric8.
 */
final class LazyKindDeserializer extends ValueDeserializer<KubernetesResource> {

    private final KubernetesDeserializer fabric8 = new KubernetesDeserializer(false);
    private final ModelClasses classes;
    private final Supplier<KubernetesSerialization> serialization;
    /** The {@code apiVersion/kind}s met so far, their model classes (if any) registered with {@link #fabric8}. */
    private final Map<String, Boolean> learned = new ConcurrentHashMap<>();

    private LazyKindDeserializer(ModelClasses classes, Supplier<KubernetesSerialization> serialization) {
        this.classes = classes;
        this.serialization = serialization;
    }

    /**
     * A serialization like fabric8's default one ({@code new KubernetesSerialization()}) whose polymorphic
     * deserializer learns kinds as it meets them instead of scanning the class path first.
     */
    static KubernetesSerialization serialization() {
        // as fabric8's default serialization builds its mapper
        JsonMapper.Builder builder = JsonMapper.builderWithJackson2Defaults().addModule(new Jackson2JdkTypesModule());
        KubernetesSerialization[] made = new KubernetesSerialization[1];
        LazyKindDeserializer deserializer = new LazyKindDeserializer(ModelClasses.onClassPath(), () -> made[0]);
        builder.annotationIntrospector(AnnotationIntrospector.pair(new InPlaceOfFabric8s(deserializer),
                builder.annotationIntrospector()));
        made[0] = new KubernetesSerialization(builder.build(), false);
        return made[0];
    }

    @Override
    public KubernetesResource deserialize(JsonParser parser, DeserializationContext context) {
        JsonNode node = context.readTree(parser);
        if (node.isArray()) {
            node.values().forEach(this::learnKindOf);
        } else {
            learnKindOf(node);
        }
        try (TreeTraversingParser tree = new TreeTraversingParser(node, context)) {
            tree.nextToken();
            return fabric8.deserialize(tree, context);
        }
    }

    private void learnKindOf(JsonNode object) {
        JsonNode apiVersionNode = object.get("apiVersion");
        JsonNode kindNode = object.get("kind");
        if (apiVersionNode == null || kindNode == null || !apiVersionNode.isString() || !kindNode.isString()) {
            return; // fabric8 reads it as it reads any object without a kind
        }
        String apiVersion = apiVersionNode.stringValue();
        String kind = kindNode.stringValue();
        Class<? extends KubernetesResource> registeredOnSerialization =
                serialization.get().getRegisteredKubernetesResource(apiVersion, kind);
        if (registeredOnSerialization != null) {
            fabric8.registerCustomKind(apiVersion, kind, registeredOnSerialization);
        } else {
            // computed once per kind; a thread that meets the kind meanwhile waits for the class to be registered
            learned.computeIfAbsent(apiVersion + "/" + kind, key -> {
                classes.forKind(apiVersion, kind).ifPresent(type -> fabric8.registerCustomKind(apiVersion, kind, type));
                return Boolean.TRUE;
            });
        }
    }

    /** Hands {@link LazyKindDeserializer} to Jackson wherever a model asks for fabric8's deserializer. */
    private static final class InPlaceOfFabric8s extends NopAnnotationIntrospector {

        private final LazyKindDeserializer deserializer;

        InPlaceOfFabric8s(LazyKindDeserializer deserializer) {
            this.deserializer = deserializer;
        }

        @Override
        public Object findDeserializer(MapperConfig<?> config, Annotated annotated) {
            JsonDeserialize annotation = annotated.getAnnotation(JsonDeserialize.class);
            return annotation != null && annotation.using() == KubernetesDeserializer.class ? deserializer : null;
        }
    }
}

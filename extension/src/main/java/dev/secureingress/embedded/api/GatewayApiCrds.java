package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Gateway API standard-channel CustomResourceDefinitions, generated from fabric8's Gateway API model
 * classes: group, kind, plural, singular and scope come from the classes; served versions, short names
 * and the status subresource are listed here. Each version's schema is the structural schema derived from the
 * kind's model class ({@link ModelSchemas}: its properties and their types) with the Gateway API's validation
 * constraints and defaults on the fields users write ({@link GatewayApiConstraints}) and the upstream CRDs' CEL
 * rules ({@link GatewayApiRules}), which the API server evaluates ({@link CelValidation}).
 * <p>
 * Generating them takes a fresh JVM a second or more (reflection over the models, then the constraints), so the
 * build generates them once ({@link #main}, in the {@code process-classes} phase) and stores their JSON beside this
 * class as {@value #GENERATED}; where that file is missing (classes an IDE compiled), they are generated when first
 * asked for.
 */
public final class GatewayApiCrds {

    /** The Gateway API release whose standard channel these CRDs describe. */
    public static final String BUNDLE_VERSION = "v1.4.0";
    public static final String CHANNEL = "standard";

    private record Definition(Class<? extends HasMetadata> type, List<String> servedVersions, List<String> shortNames) {
    }

    private static final List<Definition> STANDARD_CHANNEL = List.of(
            new Definition(GatewayClass.class, List.of("v1", "v1beta1"), List.of("gc")),
            new Definition(Gateway.class, List.of("v1", "v1beta1"), List.of("gtw")),
            new Definition(HTTPRoute.class, List.of("v1", "v1beta1"), List.of()),
            new Definition(GRPCRoute.class, List.of("v1"), List.of()),
            new Definition(ReferenceGrant.class, List.of("v1", "v1beta1"), List.of("refgrant")),
            new Definition(BackendTLSPolicy.class, List.of("v1"), List.of("btlspolicy")),
            new Definition(TLSRoute.class, List.of("v1"), List.of()));

    /** The resource, beside this class, that holds the CRDs the build generated: a JSON list. */
    static final String GENERATED = "gateway-api-crds.json";

    /** Each kind's schema, made once per JVM; shared by the CRDs and never changed. */
    private static final Map<Class<?>, JSONSchemaProps> SCHEMAS = new ConcurrentHashMap<>();

    private GatewayApiCrds() {
    }

    /** One CRD per standard-channel kind, each with a status subresource, storage version {@code v1}. */
    public static List<CustomResourceDefinition> standardChannel() {
        return List.of(ApiJson.read(json(), CustomResourceDefinition[].class));
    }

    /** The same CRDs as JSON objects, as an API server stores them. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> standardChannelObjects() {
        return ((List<Object>) ApiJson.read(json(), List.class)).stream()
                .map(crd -> (Map<String, Object>) crd)
                .toList();
    }

    /** The generated CRDs' JSON: the build's copy, or generated now where the build has not stored one. */
    private static String json() {
        try (InputStream generated = GatewayApiCrds.class.getResourceAsStream(GENERATED)) {
            return generated != null ? new String(generated.readAllBytes(), StandardCharsets.UTF_8)
                    : ApiJson.write(generate());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + GENERATED + " beside " + GatewayApiCrds.class, e);
        }
    }

    /** Generates the CRDs from the model classes and the constraints. */
    static List<CustomResourceDefinition> generate() {
        return STANDARD_CHANNEL.stream().map(GatewayApiCrds::toCrd).toList();
    }

    /**
     * Writes the generated CRDs as JSON to the file the only argument names, and beside it their CEL rules compiled
     * ({@link CelPrograms#PRECOMPILED}); the build runs it to store {@value #GENERATED} with the compiled classes.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: GatewayApiCrds <file to write the generated CRDs to>");
        }
        Path file = Path.of(args[0]);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, ApiJson.write(generate()));
        Files.writeString(file.resolveSibling(CelPrograms.PRECOMPILED),
                ApiJson.write(CelPrograms.compileAll(GatewayApiRules.ruleTexts())));
    }

    private static CustomResourceDefinition toCrd(Definition definition) {
        Class<? extends HasMetadata> type = definition.type();
        String group = HasMetadata.getGroup(type);
        String plural = HasMetadata.getPlural(type);
        String storageVersion = HasMetadata.getVersion(type);
        List<CustomResourceDefinitionVersion> versions = definition.servedVersions().stream()
                .map(version -> new CustomResourceDefinitionVersionBuilder()
                        .withName(version)
                        .withServed(true)
                        .withStorage(version.equals(storageVersion))
                        .withNewSubresources().withNewStatus().endStatus().endSubresources()
                        .withNewSchema().endSchema()
                        .build())
                .toList();
        // set, not built: a builder would copy the whole shared schema for every version
        JSONSchemaProps schema = SCHEMAS.computeIfAbsent(type,
                kind -> GatewayApiRules.applyTo(kind, GatewayApiConstraints.applyTo(kind, ModelSchemas.ofKind(kind))));
        versions.forEach(version -> version.getSchema().setOpenAPIV3Schema(schema));
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(plural + "." + group)
                .withAnnotations(Map.of(
                        "gateway.networking.k8s.io/bundle-version", BUNDLE_VERSION,
                        "gateway.networking.k8s.io/channel", CHANNEL))
                .endMetadata()
                .withNewSpec()
                .withGroup(group)
                .withScope(Namespaced.class.isAssignableFrom(type) ? "Namespaced" : "Cluster")
                .withNewNames()
                .withKind(HasMetadata.getKind(type))
                .withListKind(HasMetadata.getKind(type) + "List")
                .withPlural(plural)
                .withSingular(HasMetadata.getSingular(type))
                .withShortNames(definition.shortNames())
                .withCategories("gateway-api")
                .endNames()
                .withVersions(versions)
                .endSpec()
                .build();
    }
}

package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The OpenAPI v3 documents ({@code /openapi/v3} and {@code /openapi/v3/<api|apis/group>/<version>}) that
 * kubectl reads before it creates or patches objects, and for {@code kubectl explain}.
 *
 * <p>Each kind's schema is in its group version's {@code components.schemas}, named as the API server names it and
 * marked with its {@code x-kubernetes-group-version-kind}, which is how kubectl explain finds it: a custom
 * resource's is its CRD's schema, named after the group's labels reversed, the version and the kind
 * ({@code io.k8s.networking.gateway.v1.Gateway}); a built-in kind's is derived from its fabric8 model, named
 * {@code io.k8s.api.<group>.<version>.<Kind>} ({@code io.k8s.api.core.v1.Pod}, {@code io.k8s.api.apps.v1.Deployment}),
 * beside the schemas of the types its fields refer to by {@code $ref} ({@link ModelComponents}), so that kubectl
 * explain prints their type names ({@code spec <DeploymentSpec>}, {@code containers <[]Container>}) and follows
 * them to any depth. The documents of the built-in group
 * versions, which hold only built-in kinds, are made once per JVM; the others once per set of stored CRDs, as is
 * the root document with their hashes. Every resource's PATCH operation carries its
 * {@code x-kubernetes-group-version-kind} and the {@code fieldValidation} query parameter, which tells
 * kubectl that validation happens on the server (so it needs no client-side schema), and lists no
 * request content types, which makes kubectl compute strategic merge patches for built-in kinds from its
 * own compiled-in types and JSON merge patches for custom resources.
 */
final class ApiOpenApiV3 {

    private static final String PREFIX = "/openapi/v3";

    private final ApiDiscovery discovery;
    private final ObjectSchemas schemas;
    private final Supplier<List<CustomResourceDefinition>> crds;
    private final String kubernetesVersion;
    /** The group versions' documents made while {@link #crds} gave {@link #documentsFor} (the same list until a CRD write). */
    private final Map<String, Document> documents = new HashMap<>();
    private List<CustomResourceDefinition> documentsFor;
    /** The root document made while {@link #crds} gave {@link #documentsFor}, or null. */
    private String root;
    /** The documents of the built-in group versions, by Kubernetes version and group version. */
    private static final Map<String, Document> BUILT_IN_DOCUMENTS = new ConcurrentHashMap<>();

    /** A group version's document and the hash the root document names it by. */
    private record Document(String json, String hash) {
        Document(String json) {
            this(json, ApiOpenApiV3.hash(json));
        }
    }

    /** @param crds reads the CustomResourceDefinitions currently stored, the same list until one is written */
    ApiOpenApiV3(ApiDiscovery discovery, ObjectSchemas schemas, Supplier<List<CustomResourceDefinition>> crds,
                 String kubernetesVersion) {
        this.discovery = discovery;
        this.schemas = schemas;
        this.crds = crds;
        this.kubernetesVersion = kubernetesVersion;
    }

    /** The document for {@code path} (without query), or empty when it is no OpenAPI v3 path. */
    Optional<String> document(String path) {
        if (path.equals(PREFIX) || path.equals(PREFIX + "/")) {
            return Optional.of(root());
        }
        if (!path.startsWith(PREFIX + "/")) {
            return Optional.empty();
        }
        String relative = path.substring(PREFIX.length() + 1);
        return discovery.groupVersions().stream()
                .filter(gv -> relativePath(gv).equals(relative))
                .findFirst()
                .map(groupVersion -> groupVersionDocument(groupVersion).json());
    }

    private synchronized String root() {
        forgetWhenCrdsChanged();
        if (root == null) {
            Map<String, Object> paths = new LinkedHashMap<>();
            for (String groupVersion : discovery.groupVersions()) {
                paths.put(relativePath(groupVersion), Map.of("serverRelativeURL", PREFIX + "/"
                        + relativePath(groupVersion) + "?hash=" + groupVersionDocument(groupVersion).hash()));
            }
            root = ApiJson.write(Map.of("paths", paths));
        }
        return root;
    }

    private synchronized Document groupVersionDocument(String groupVersion) {
        forgetWhenCrdsChanged();
        if (ApiDiscovery.isBuiltIn(groupVersion)) {
            return BUILT_IN_DOCUMENTS.computeIfAbsent(kubernetesVersion + " " + groupVersion,
                    key -> new Document(newGroupVersionDocument(groupVersion)));
        }
        return documents.computeIfAbsent(groupVersion, key -> new Document(newGroupVersionDocument(groupVersion)));
    }

    private void forgetWhenCrdsChanged() {
        List<CustomResourceDefinition> stored = crds.get();
        if (stored != documentsFor) {
            documents.clear();
            root = null;
            documentsFor = stored;
        }
    }

    private String newGroupVersionDocument(String groupVersion) {
        int slash = groupVersion.indexOf('/');
        String group = slash < 0 ? "" : groupVersion.substring(0, slash);
        String version = slash < 0 ? groupVersion : groupVersion.substring(slash + 1);
        String base = slash < 0 ? "/api/" + version : "/apis/" + groupVersion;
        Map<String, Object> paths = new LinkedHashMap<>();
        Map<String, Object> components = new LinkedHashMap<>();
        boolean builtIn = ApiDiscovery.isBuiltIn(groupVersion);
        ModelComponents builtInTypes = new ModelComponents();
        Map<String, String> kinds = new HashMap<>(); // of the built-in types' schemas, by name
        List<APIResource> resources = discovery.resources(groupVersion);
        for (APIResource resource : resources) {
            String[] plural = resource.getName().split("/", 2);
            String itemPath = (Boolean.TRUE.equals(resource.getNamespaced()) ? base + "/namespaces/{namespace}/" : base + "/")
                    + plural[0] + "/{name}" + (plural.length > 1 ? "/" + plural[1] : "");
            Map<String, Object> patch = new LinkedHashMap<>();
            patch.put("operationId", "patch" + resource.getKind() + (plural.length > 1 ? plural[1] : ""));
            patch.put("parameters", List.of(
                    Map.of("name", "fieldValidation", "in", "query", "schema", Map.of("type", "string")),
                    Map.of("name", "fieldManager", "in", "query", "schema", Map.of("type", "string"))));
            patch.put("x-kubernetes-action", "patch");
            patch.put("x-kubernetes-group-version-kind", Map.of("group", group, "version", version, "kind", resource.getKind()));
            paths.put(itemPath, Map.of("patch", patch));
            if (plural.length == 1 && !builtIn) {
                schemas.of(new ResourcePath(group, version, null, plural[0], null, null)).ifPresent(schema ->
                        components.put(schemaName(group, version, schema.kind()),
                                withGroupVersionKind(schema.schema(), group, version, schema.kind())));
            } else if (plural.length == 1) {
                ObjectSchemas.builtInModel(new ResourcePath(group, version, null, plural[0], null, null))
                        .ifPresent(model -> kinds.put(builtInTypes.add(model), resource.getKind()));
            }
        }
        builtInTypes.schemas().forEach((name, schema) -> components.put(name, kinds.containsKey(name)
                ? withGroupVersionKind(schema, group, version, kinds.get(name)) : schema));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("openapi", "3.0.0");
        document.put("info", Map.of("title", "Kubernetes", "version", kubernetesVersion));
        document.put("paths", paths);
        // kinds without a schema are left out: kubectl explain then says so instead of failing in its template
        document.put("components", Map.of("schemas", components));
        return ApiJson.write(document);
    }

    /**
     * The API server's name of a custom resource's schema: the group's labels reversed, the version and the kind
     * ({@code io.k8s.networking.gateway.v1.Gateway}).
     */
    private static String schemaName(String group, String version, String kind) {
        List<String> labels = new ArrayList<>(List.of(group.split("\\.")));
        Collections.reverse(labels);
        return String.join(".", labels) + "." + version + "." + kind;
    }

    /** A kind's schema marked with its group version kind, which is how kubectl explain finds it. */
    private static Map<String, Object> withGroupVersionKind(JSONSchemaProps schema, String group, String version,
                                                            String kind) {
        @SuppressWarnings("unchecked")
        Map<String, Object> described = new LinkedHashMap<>(ApiJson.convert(schema, Map.class));
        described.put("x-kubernetes-group-version-kind",
                List.of(Map.of("group", group, "version", version, "kind", kind)));
        return described;
    }

    private static String relativePath(String groupVersion) {
        return groupVersion.contains("/") ? "apis/" + groupVersion : "api/" + groupVersion;
    }

    private static String hash(String document) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(document.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().withUpperCase().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}

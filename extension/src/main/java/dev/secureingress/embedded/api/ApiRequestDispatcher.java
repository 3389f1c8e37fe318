package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionList;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Fronts fabric8's CRUD dispatcher (the object store) with what a real API server adds and kubectl relies on:
 * {@code /version}, discovery, OpenAPI v3, strategic merge patch for built-in kinds, validation of created
 * objects with real-server error answers, and the {@code kubernetes.io/metadata.name} label on every namespace.
 */
final class ApiRequestDispatcher extends Dispatcher {

    static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
    private static final String MERGE_PATCH = "application/merge-patch+json";
    private static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
    private static final String JSON_PATCH = "application/json-patch+json";
    private static final String APPLY_PATCH = "application/apply-patch+yaml";
    private static final int PATCH_ATTEMPTS = 5;
    /** As many names as a real API server tries for one {@code generateName}. */
    private static final int GENERATE_NAME_ATTEMPTS = 8;
    private static final String CRD_COLLECTION = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    private static final Logger LOG = LoggerFactory.getLogger(ApiRequestDispatcher.class);

    private final WatchedStore store = new WatchedStore();
    private final ApiDiscovery discovery = new ApiDiscovery(this::storedCrds);
    private final ScaleSubresource scale = new ScaleSubresource(store);
    private final StoredForm storedForm = new StoredForm(new ClusterIps());
    private final ApiOpenApiV3 openApi;
    private final Map<String, String> versionInfo;
    private final Clock clock = Clock.systemUTC();
    /** What {@link #registerCustomResource} registered, for {@link #copy()}. */
    private final List<CustomResourceDefinitionContext> customResources = new CopyOnWriteArrayList<>();
    private volatile UnaryOperator<String> generatedNames = GeneratedNames::fromPrefix;
    /** Cache of {@link #storedCrds()}; dropped by every write to a CustomResourceDefinition. */
    private List<CustomResourceDefinition> storedCrds;

    ApiRequestDispatcher(Map<String, String> versionInfo) {
        this.versionInfo = versionInfo;
        this.openApi = new ApiOpenApiV3(discovery, versionInfo.get("gitVersion"));
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        try {
            if (!LOG.isDebugEnabled()) {
                return handle(request);
            }
            long begin = System.nanoTime();
            MockResponse response = handle(request);
            LOG.debug("{} {} -> {} in {} us", request.getMethod(), request.getPath(), response.code(),
                    (System.nanoTime() - begin) / 1_000);
            return response;
        } catch (RuntimeException bug) {
            LOG.warn("{} {} failed", request.getMethod(), request.getPath(), bug);
            return ApiErrors.status(HttpURLConnection.HTTP_INTERNAL_ERROR, "InternalError",
                    "Internal error occurred: " + bug);
        }
    }

    private MockResponse handle(RecordedRequest request) {
        if (DryRun.isRequested(request)) {
            return DryRun.answer(request, copyForDryRun()::carryOut);
        }
        return carryOut(request);
    }

    private MockResponse carryOut(RecordedRequest incoming) {
        RecordedRequest request = incoming;
        String path = withoutQuery(request.getPath());
        if (request.method() == HttpMethod.GET) {
            if (path.equals("/version") || path.equals("/version/")) {
                return json(HttpURLConnection.HTTP_OK, Serialization.asJson(versionInfo));
            }
            Optional<MockResponse> health = HealthEndpoints.answer(path, request.getPath().substring(path.length()));
            if (health.isPresent()) {
                return health.get();
            }
            Optional<String> document = discovery.document(path).or(() -> openApi.document(path));
            if (document.isPresent()) {
                return json(HttpURLConnection.HTTP_OK, document.get());
            }
        }
        Optional<MockResponse> review = SelfAccessReviews.answer(request, path)
                .or(() -> SelfSubjectReviews.answer(incoming, path));
        if (review.isPresent()) {
            return review.get();
        }
        if (String.valueOf(request.getHeader("Content-Type")).startsWith(PROTOBUF)) {
            try {
                request = protobufAsJson(request);
            } catch (IllegalArgumentException unreadable) {
                return ApiErrors.status(HttpURLConnection.HTTP_UNSUPPORTED_TYPE, "UnsupportedMediaType",
                        unreadable.getMessage());
            }
        }
        if (request.method() == HttpMethod.GET && path.equals("/openapi/v2")) {
            // An empty OpenAPI v2 document (the empty protobuf message): kubectl then validates on the server
            // (fieldValidation, announced in OpenAPI v3) and reports unknown kinds as "no matches for kind".
            return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK)
                    .setHeader("Content-Type", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
        }
        Optional<ResourcePath> resourcePath = ResourcePath.parse(path);
        if (resourcePath.isEmpty() || !isServed(resourcePath.get())) {
            return ApiErrors.notFound("the server could not find the requested resource");
        }
        ResourcePath target = resourcePath.get();
        if (ScaleSubresource.isScale(target)) {
            return scale.handle(target, request, path.substring(0, path.lastIndexOf("/scale")));
        }
        if (PodStreams.isStream(target)) {
            return PodStreams.answer(target, store);
        }
        if (PodLogs.isLog(target)) {
            return PodLogs.answer(target, request, store);
        }
        boolean crdWrite = request.method() != HttpMethod.GET && path.startsWith(CRD_COLLECTION);
        if (crdWrite) {
            forgetStoredCrds();
        }
        MockResponse response = switch (request.method()) {
            case POST -> create(target, request, updatedBy(target, request, null));
            case PUT -> update(target, request);
            case PATCH -> patch(target, request);
            case DELETE -> delete(target, request);
            case GET -> isWatch(request) ? watch(target, request)
                    : target.name() == null ? list(target, request) : get(target, request);
            default -> store.dispatch(request);
        };
        if (crdWrite) {
            forgetStoredCrds();
        }
        response = withStatusBody(target, response);
        if (response.getHeaders().get("Content-Type") == null && response.getBody() != null
                && response.getBody().size() > 0) {
            // Go clients read an answer without a content type as the request's (protobuf for kubectl create).
            response.setHeader("Content-Type", "application/json");
        }
        return response;
    }

    /** Makes the store serve a custom resource's group/version/plural (scope, status subresource). */
    void registerCustomResource(CustomResourceDefinitionContext context) {
        store.expectCustomResource(context);
        customResources.add(context);
    }

    /**
     * A new dispatcher that starts with what this one holds: its stored objects, the custom resources it serves and
     * its resource versions. Seeding a server this way copies stored text instead of creating every object again.
     * Each copied object has a uid of its own and the time of the copy as its creationTimestamp, as the objects of
     * a fresh cluster have.
     */
    ApiRequestDispatcher copy() {
        String created = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        return copy(stored -> StoredIdentity.renewed(stored, created));
    }

    /**
     * A copy that holds the same objects with the same identities, to carry out a dry-run request on: what the
     * request would have done shows in the copy's answer and is then dropped with the copy.
     */
    private ApiRequestDispatcher copyForDryRun() {
        return copy(UnaryOperator.identity());
    }

    private ApiRequestDispatcher copy(UnaryOperator<String> eachStoredObject) {
        ApiRequestDispatcher copy = new ApiRequestDispatcher(versionInfo);
        customResources.forEach(copy::registerCustomResource);
        store.getMap().forEach((attributes, stored) ->
                copy.store.getMap().put(attributes, eachStoredObject.apply(stored)));
        // the store hands out resource versions one at a time: the copy's next one follows the copied objects'
        long latest = store.requestResourceVersion();
        while (copy.store.requestResourceVersion() < latest) {
            // advancing
        }
        copy.storedCrds = storedCrds(); // discovery reads only their specs, which are the same
        return copy;
    }

    /**
     * Stores one of the objects a fresh server holds: without a round trip through HTTP and without the checks a
     * client's request goes through (the seed objects are the server's own), but in stored form like any other.
     */
    void create(String collectionPath, HasMetadata object) {
        ResourcePath target = ResourcePath.parse(collectionPath).orElseThrow(
                () -> new IllegalArgumentException("not a collection path: " + collectionPath));
        Map<String, Object> stored = parseObject(Serialization.asJson(object));
        storedForm.apply(target, stored, null);
        MockResponse response = store.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.POST, collectionPath,
                jsonHeaders(), new Buffer().writeUtf8(Serialization.asJson(stored))));
        if (collectionPath.startsWith(CRD_COLLECTION)) {
            forgetStoredCrds();
        }
        if (response.code() >= 300) {
            throw new IllegalStateException("could not seed " + object.getKind() + " "
                    + object.getMetadata().getName() + ": HTTP " + response.code() + " " + text(response.getBody()));
        }
    }

    /** The request with its protobuf body read into JSON ({@link ProtobufObjects}). */
    private static RecordedRequest protobufAsJson(RecordedRequest request) {
        Map<String, Object> object = ProtobufObjects.read(request.getBody().getBytes());
        return new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), jsonHeaders(),
                new Buffer().writeUtf8(Serialization.asJson(object)));
    }

    private boolean isServed(ResourcePath path) {
        List<APIResource> resources = discovery.resources(path.groupVersion());
        String name = path.subresource() == null ? path.plural() : path.plural() + "/" + path.subresource();
        return resources.stream().anyMatch(resource -> resource.getName().equals(name)
                // the namespace of a namespaced collection is part of the path, not of the resource
                && (path.namespace() == null || Boolean.TRUE.equals(resource.getNamespaced())));
    }

    /**
     * Creates the object in {@code request}'s body after the checks and changes of a real API server;
     * {@code recordOwner} records its field manager in it just before it is stored.
     */
    private MockResponse create(ResourcePath target, RecordedRequest request, Consumer<Map<String, Object>> recordOwner) {
        Map<String, Object> object;
        try {
            object = parseObject(text(request.getBody()));
        } catch (RuntimeException unreadable) {
            return ApiErrors.badRequest("the body of the request was not valid JSON: " + unreadable.getMessage());
        }
        Optional<MockResponse> invalid = ObjectValidation.validateCreate(target, object, discovery);
        if (invalid.isPresent()) {
            return invalid.get();
        }
        if (target.namespace() != null && !namespaceExists(target.namespace())) {
            return ApiErrors.notFound("namespaces \"" + target.namespace() + "\" not found");
        }
        if (target.is("", "services")) {
            Optional<ObjectValidation.Violation> taken = ClusterIps.takenOnCreate(object, this::clusterIpsInUse);
            if (taken.isPresent()) {
                return ObjectValidation.invalid("Service", "Service", "",
                        String.valueOf(ObjectFields.at(object, "metadata", "name")), List.of(taken.get()));
            }
        }
        storedForm.apply(target, object, null);
        if (target.is("", "pods")) {
            Optional<MockResponse> forbidden = DefaultServiceAccount.lookUpFor(object, target.namespace(), store);
            if (forbidden.isPresent()) {
                return forbidden.get();
            }
        }
        recordOwner.accept(object);
        if (ObjectFields.at(object, "metadata", "name") == null
                && ObjectFields.at(object, "metadata", "generateName") instanceof String prefix) {
            return createWithGeneratedName(request, object, prefix);
        }
        MockResponse created = store.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(),
                request.getPath(), request.getHeaders(), new Buffer().writeUtf8(Serialization.asJson(object))));
        if (target.is("", "namespaces") && created.code() == HttpURLConnection.HTTP_CREATED) {
            String namespace = String.valueOf(ObjectFields.at(object, "metadata", "name"));
            create("/api/v1/namespaces/" + namespace + "/serviceaccounts", DefaultServiceAccount.in(namespace));
        }
        return created;
    }

    /** Records in an object about to replace {@code current} ({@code null}: none) that the request's manager wrote it. */
    private Consumer<Map<String, Object>> updatedBy(ResourcePath target, RecordedRequest request,
            Map<String, Object> current) {
        String manager = ManagedFields.managerOf(request);
        return updated -> ManagedFields.recordUpdate(current, updated, manager, target.groupVersion(), clock.instant());
    }

    /**
     * Creates {@code object} under a name made from its {@code generateName} ({@link GeneratedNames#fromPrefix}), as
     * a real API server does: when the name is taken, with another one, {@value #GENERATE_NAME_ATTEMPTS} times at
     * most; then the answer is the last AlreadyExists.
     */
    @SuppressWarnings("unchecked")
    private MockResponse createWithGeneratedName(RecordedRequest request, Map<String, Object> object, String prefix) {
        Map<String, Object> metadata = (Map<String, Object>) object.get("metadata");
        MockResponse created = null;
        for (int attempt = 0; attempt < GENERATE_NAME_ATTEMPTS && (created == null || isConflict(created)); attempt++) {
            metadata.put("name", generatedNames.apply(prefix));
            created = store.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(),
                    request.getHeaders(), new Buffer().writeUtf8(Serialization.asJson(object))));
        }
        return created;
    }

    /** Makes the names of {@code generateName} with {@code generator} instead of {@link GeneratedNames#fromPrefix}. */
    void generateNamesWith(UnaryOperator<String> generator) {
        generatedNames = generator;
    }

    /**
     * Lists as a real server does: the list is a {@code <Kind>List} of the resource's group version (typed Go
     * clients, such as the ones {@code kubectl describe} and {@code kubectl rollout history} read events and
     * ReplicaSets with, reject a plain {@code List} or a {@code v1} ReplicaSetList) and a {@code fieldSelector}
     * applies to any field (the store only knows name and namespace).
     */
    private MockResponse list(ResourcePath target, RecordedRequest request) {
        Optional<FieldSelector> selector;
        try {
            selector = FieldSelector.of(request.getPath());
        } catch (IllegalArgumentException invalid) {
            return ApiErrors.badRequest(invalid.getMessage());
        }
        MockResponse all = store.dispatch(selector.isEmpty() ? request : new RecordedRequest(request.getHttpVersion(),
                request.method(), FieldSelector.withoutFieldSelector(request.getPath()), request.getHeaders(),
                request.getBody()));
        if (all.code() != HttpURLConnection.HTTP_OK) {
            return all;
        }
        Map<String, Object> list = parseObject(text(all.getBody()));
        discovery.resources(target.groupVersion()).stream()
                .filter(resource -> resource.getName().equals(target.plural()))
                .findFirst()
                .ifPresent(resource -> {
                    list.put("apiVersion", target.groupVersion());
                    list.put("kind", resource.getKind() + "List");
                });
        if (selector.isPresent() && list.get("items") instanceof List<?> items) {
            list.put("items", items.stream()
                    .filter(item -> item instanceof Map<?, ?> object && selector.get().matches(object))
                    .toList());
        }
        if (ApiTables.wanted(request.getHeader("Accept")) && list.get("items") instanceof List<?> items) {
            Optional<Map<String, Object>> table = ApiTables.of(target.plural(), objects(items),
                    list.get("metadata") instanceof Map<?, ?> metadata ? (String) metadata.get("resourceVersion") : null,
                    clock);
            if (table.isPresent()) {
                return json(HttpURLConnection.HTTP_OK, Serialization.asJson(table.get()));
            }
        }
        return json(HttpURLConnection.HTTP_OK, Serialization.asJson(list));
    }

    /**
     * Deletes as a real cluster does: deleting a namespace also deletes every object in it (there the namespace
     * controller does it), so that a namespace created again under the same name starts empty.
     */
    private MockResponse delete(ResourcePath target, RecordedRequest request) {
        MockResponse response = store.dispatch(request);
        if (target.is("", "namespaces") && target.name() != null && response.code() == HttpURLConnection.HTTP_OK) {
            deleteObjectsIn(target.name());
        }
        return response;
    }

    private void deleteObjectsIn(String namespace) {
        String inNamespace = "\"namespace\":\"" + namespace + "\"";
        for (String stored : List.copyOf(store.getMap().values())) {
            if (!stored.contains(inNamespace)) {
                continue;
            }
            Map<String, Object> object = parseObject(stored);
            if (!namespace.equals(ObjectFields.at(object, "metadata", "namespace"))
                    || !(object.get("apiVersion") instanceof String apiVersion)) {
                continue;
            }
            String base = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
            discovery.resources(apiVersion).stream()
                    .filter(resource -> resource.getKind().equals(object.get("kind"))
                            && !resource.getName().contains("/"))
                    .findFirst()
                    .ifPresent(resource -> store.handleDelete(base + "/namespaces/" + namespace + "/"
                            + resource.getName() + "/" + ObjectFields.at(object, "metadata", "name")));
        }
    }

    /** A watch; its events carry one-row tables when kubectl asks for tables ({@code kubectl get -w}). */
    private MockResponse watch(ResourcePath target, RecordedRequest request) {
        MockResponse response = store.dispatch(request);
        if (response.getWebSocketListener() == null || !ApiTables.wanted(request.getHeader("Accept"))) {
            return response;
        }
        return response.withWebSocketUpgrade(new TableWatch(response.getWebSocketListener(), target.plural(), clock));
    }

    /** One object; as a one-row table when kubectl asks for one. */
    private MockResponse get(ResourcePath target, RecordedRequest request) {
        MockResponse response = store.dispatch(request);
        if (response.code() != HttpURLConnection.HTTP_OK || !ApiTables.wanted(request.getHeader("Accept"))
                || target.subresource() != null) {
            return response;
        }
        Map<String, Object> object = parseObject(text(response.getBody()));
        return ApiTables.of(target.plural(), List.of(object), null, clock)
                .map(table -> json(HttpURLConnection.HTTP_OK, Serialization.asJson(table)))
                .orElse(response);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> objects(List<?> items) {
        return items.stream().filter(Map.class::isInstance).map(item -> (Map<String, Object>) item).toList();
    }

    /** True for a request that asks to watch ({@code watch=true} or {@code watch=1}). */
    static boolean isWatch(RecordedRequest request) {
        String path = request.getPath();
        return path.contains("?watch=true") || path.contains("&watch=true") || path.contains("?watch=1")
                || path.contains("&watch=1");
    }

    private MockResponse patch(ResourcePath target, RecordedRequest request) {
        String contentType = String.valueOf(request.getHeader("Content-Type"));
        boolean strategic = contentType.startsWith(STRATEGIC_MERGE_PATCH);
        boolean merge = contentType.startsWith(MERGE_PATCH);
        if (contentType.startsWith(APPLY_PATCH)) {
            return apply(target, request);
        }
        if (ManagedFields.parameter(request, "force") != null) {
            return ApiErrors.status(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not"
                    + " be specified for non-apply patch");
        }
        if (strategic && !ApiDiscovery.isBuiltIn(target.groupVersion())) {
            return ApiErrors.status(HttpURLConnection.HTTP_UNSUPPORTED_TYPE, "UnsupportedMediaType",
                    "the body of the request was in an unknown format - accepted media types include: "
                            + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        }
        String path = withoutQuery(request.getPath());
        if (!(strategic || merge) || target.subresource() != null) {
            if (contentType.startsWith(JSON_PATCH) && target.subresource() == null) {
                Optional<MockResponse> refused = refusedJsonPatch(target, request, path);
                if (refused.isPresent()) {
                    return refused.get();
                }
            }
            return store.dispatch(request); // JSON patch and status patches: the store's own handling
        }
        // as a real API server does, a patch is applied to the latest version: when a controller wrote the
        // object between our read and our write (409), the patch is applied again to what it wrote
        MockResponse written = null;
        for (int attempt = 0; attempt < PATCH_ATTEMPTS && (written == null || isConflict(written)); attempt++) {
            MockResponse current = store.handleGet(path);
            if (current.code() != HttpURLConnection.HTTP_OK) {
                return current;
            }
            Map<String, Object> original;
            Map<String, Object> patched;
            try {
                original = parseObject(text(current.getBody()));
                Map<String, Object> patch = parseObject(text(request.getBody()));
                patched = strategic ? StrategicMergePatch.apply(original, patch) : JsonMergePatch.apply(original, patch);
            } catch (RuntimeException malformed) {
                return ApiErrors.badRequest("invalid " + (strategic ? "strategic merge" : "merge") + " patch: "
                        + malformed.getMessage());
            }
            Optional<MockResponse> refused = UpdateValidation.validate(target, patched, original);
            if (refused.isPresent()) {
                return refused.get();
            }
            storedForm.apply(target, patched, original);
            updatedBy(target, request, original).accept(patched);
            written = store.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.PUT, path, jsonHeaders(),
                    new Buffer().writeUtf8(Serialization.asJson(patched))));
        }
        return written;
    }

    /** The 422 answer to a JSON patch that {@link UpdateValidation} refuses; empty when it may be stored. */
    private Optional<MockResponse> refusedJsonPatch(ResourcePath target, RecordedRequest request, String path) {
        if (!UpdateValidation.concerns(target)) {
            return Optional.empty();
        }
        MockResponse current = store.handleGet(path);
        if (current.code() != HttpURLConnection.HTTP_OK) {
            return Optional.empty();
        }
        return UpdateValidation.validateJsonPatch(target, text(request.getBody()), parseObject(text(current.getBody())));
    }

    private static boolean isConflict(MockResponse response) {
        return response.code() == HttpURLConnection.HTTP_CONFLICT;
    }

    /** The store answers some errors with an empty body; kubectl prints a real server's Status message. */
    private static MockResponse withStatusBody(ResourcePath target, MockResponse response) {
        if (isConflict(response) && target.name() != null
                && bodyOf(response).contains("the object has been modified")) {
            // the store says reason Invalid without a name, which kubectl prints as 'The Deployment "" is invalid'
            return ApiErrors.status(HttpURLConnection.HTTP_CONFLICT, "Conflict", "Operation cannot be fulfilled on "
                    + target.qualifiedResource() + " \"" + target.name() + "\": the object has been modified; please"
                    + " apply your changes to the latest version and try again");
        }
        if (response.code() == HttpURLConnection.HTTP_NOT_FOUND && target.name() != null
                && !bodyOf(response).contains("\"Status\"")) {
            return ApiErrors.notFound(target.qualifiedResource() + " \"" + target.name() + "\" not found");
        }
        return response;
    }

    private static String bodyOf(MockResponse response) {
        return text(response.getBody());
    }

    /** The cluster IPs of the stored Services. */
    private Set<String> clusterIpsInUse() {
        Map<String, Object> services = parseObject(text(store.handleGet("/api/v1/services").getBody()));
        Set<String> inUse = new HashSet<>();
        if (services.get("items") instanceof List<?> items) {
            for (Object item : items) {
                if (ObjectFields.at((Map<?, ?>) item, "spec", "clusterIPs") instanceof List<?> ips) {
                    ips.forEach(ip -> inUse.add(String.valueOf(ip)));
                }
            }
        }
        return inUse;
    }

    private boolean namespaceExists(String namespace) {
        return store.handleGet("/api/v1/namespaces/" + namespace).code() == HttpURLConnection.HTTP_OK;
    }

    private synchronized void forgetStoredCrds() {
        storedCrds = null;
    }

    /** The stored CRDs, read once per change: discovery consults them on every custom resource request. */
    private synchronized List<CustomResourceDefinition> storedCrds() {
        List<CustomResourceDefinition> crds = storedCrds;
        if (crds == null) {
            MockResponse response = store.handleGet(CRD_COLLECTION);
            crds = List.copyOf(Serialization.unmarshal(text(response.getBody()), CustomResourceDefinitionList.class)
                    .getItems());
            storedCrds = crds;
        }
        return crds;
    }

    /** Replaces an object (PUT) in stored form, recording its field manager; status writes go to the store as sent. */
    private MockResponse update(ResourcePath target, RecordedRequest request) {
        if (target.subresource() != null || target.name() == null) {
            return store.dispatch(request);
        }
        Map<String, Object> object;
        try {
            object = parseObject(text(request.getBody()));
        } catch (RuntimeException unreadable) {
            return store.dispatch(request); // the store answers with its own error
        }
        MockResponse stored = store.handleGet(withoutQuery(request.getPath()));
        Map<String, Object> current = stored.code() == HttpURLConnection.HTTP_OK
                ? parseObject(text(stored.getBody())) : null;
        Optional<MockResponse> refused = UpdateValidation.validate(target, object, current);
        if (refused.isPresent()) {
            return refused.get();
        }
        storedForm.apply(target, object, current);
        if (current != null) {
            updatedBy(target, request, current).accept(object);
        }
        return store.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(),
                request.getHeaders(), new Buffer().writeUtf8(Serialization.asJson(object))));
    }

    /**
     * A server-side apply ({@link ServerSideApply}): creates the object from the applied configuration where there is
     * none (through the checks of a create), else merges the configuration into the latest version of it.
     */
    private MockResponse apply(ResourcePath target, RecordedRequest request) {
        String manager = ManagedFields.parameter(request, "fieldManager");
        if (manager == null || manager.isBlank()) {
            return ApiErrors.status(422, "Invalid",
                    "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
        }
        boolean status = "status".equals(target.subresource());
        if ((target.subresource() != null && !status) || target.name() == null) {
            return ApiErrors.status(HttpURLConnection.HTTP_UNSUPPORTED_TYPE, "UnsupportedMediaType",
                    "server-side apply is served for objects and their status, not for "
                            + withoutQuery(request.getPath()) + "; apply to the object's own path");
        }
        boolean force = "true".equals(ManagedFields.parameter(request, "force"));
        Map<String, Object> applied;
        try {
            applied = parseObject(Serialization.asJson(Serialization.unmarshal(text(request.getBody()), Object.class)));
        } catch (RuntimeException unreadable) {
            return ApiErrors.badRequest("error decoding YAML: " + unreadable.getMessage());
        }
        if (!target.groupVersion().equals(applied.get("apiVersion"))) {
            return ApiErrors.badRequest("the API version in the data (" + applied.get("apiVersion")
                    + ") does not match the expected API version (" + target.groupVersion() + ")");
        }
        if (!target.name().equals(ObjectFields.at(applied, "metadata", "name"))) {
            return ApiErrors.badRequest("the name of the object (" + ObjectFields.at(applied, "metadata", "name")
                    + ") does not match the name on the URL (" + target.name() + ")");
        }
        String path = withoutQuery(request.getPath());
        String objectPath = status ? path.substring(0, path.lastIndexOf('/')) : path;
        String collection = objectPath.substring(0, objectPath.lastIndexOf('/'));
        MockResponse written = null;
        for (int attempt = 0; attempt < PATCH_ATTEMPTS && (written == null || isConflict(written)); attempt++) {
            MockResponse current = store.handleGet(objectPath);
            if (current.code() == HttpURLConnection.HTTP_NOT_FOUND && !status) {
                Map<String, Object> created = ServerSideApply.created(applied, manager, target.groupVersion(),
                        clock.instant());
                written = create(ResourcePath.parse(collection).orElseThrow(), new RecordedRequest(
                        request.getHttpVersion(), HttpMethod.POST, collection, jsonHeaders(),
                        new Buffer().writeUtf8(Serialization.asJson(created))), asApplied -> { });
                continue;
            }
            if (current.code() != HttpURLConnection.HTTP_OK) {
                return current;
            }
            Map<String, Object> live = parseObject(text(current.getBody()));
            Object expectedVersion = ObjectFields.at(applied, "metadata", "resourceVersion");
            if (expectedVersion != null && !expectedVersion.equals(ObjectFields.at(live, "metadata", "resourceVersion"))) {
                return withStatusBody(target, new MockResponse().setResponseCode(HttpURLConnection.HTTP_CONFLICT)
                        .setBody("the object has been modified"));
            }
            Map<String, Object> merged;
            try {
                merged = ServerSideApply.merged(live, applied, target.subresource(), manager, target.groupVersion(),
                        force, clock.instant());
            } catch (ServerSideApply.ConflictException conflict) {
                return conflict.response();
            } catch (RuntimeException malformed) {
                return ApiErrors.badRequest("invalid apply configuration: " + malformed.getMessage());
            }
            Optional<MockResponse> refused = UpdateValidation.validate(target, merged, live);
            if (refused.isPresent()) {
                return refused.get();
            }
            storedForm.apply(target, merged, live);
            written = store.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.PUT, path, jsonHeaders(),
                    new Buffer().writeUtf8(Serialization.asJson(merged))));
            if (status && written.code() == HttpURLConnection.HTTP_OK) {
                written = recordStatusApply(objectPath, merged, written);
            }
        }
        return written;
    }

    /**
     * The store writes only the status of a status write; the applier's entry in {@code merged}'s managedFields is
     * stored by a second write of the object, made on top of the status write ({@code statusWritten}).
     */
    private MockResponse recordStatusApply(String objectPath, Map<String, Object> merged, MockResponse statusWritten) {
        Map<String, Object> stored = parseObject(text(statusWritten.getBody()));
        if (!(stored.get("metadata") instanceof Map<?, ?> storedMetadata)
                || !(merged.get("metadata") instanceof Map<?, ?> mergedMetadata)
                || Objects.equals(storedMetadata.get("managedFields"), mergedMetadata.get("managedFields"))) {
            return statusWritten;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) mergedMetadata;
        metadata.put("resourceVersion", storedMetadata.get("resourceVersion"));
        return store.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.PUT, objectPath, jsonHeaders(),
                new Buffer().writeUtf8(Serialization.asJson(merged))));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String json) {
        Object parsed = Serialization.unmarshal(json, Object.class);
        if (!(parsed instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return new LinkedHashMap<>((Map<String, Object>) parsed);
    }

    /** A body as text, without consuming it (the mock's buffers empty themselves when read). */
    static String text(Buffer body) {
        return body == null ? "" : new String(body.getBytes(), StandardCharsets.UTF_8);
    }

    static String withoutQuery(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static Headers jsonHeaders() {
        return Headers.builder().add("Content-Type", "application/json").build();
    }

    static MockResponse json(int code, String body) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
    }
}

package dev.secureingress.embedded.api;

import static dev.secureingress.embedded.api.ApiJson.json;
import static dev.secureingress.embedded.api.ApiJson.jsonHeaders;
import static dev.secureingress.embedded.api.ApiJson.text;
import static dev.secureingress.embedded.api.ResourcePath.withoutQuery;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionList;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The embedded API server's front: routes each request to what answers it as a real API server would —
 * {@code /version}, health, discovery and OpenAPI documents, access reviews, the scale, log and stream subresources,
 * and for objects {@link ObjectCreation} (POST), {@link ObjectUpdates} (PUT and patches),
 * {@link ServerSideApplyRequests} (apply patches), {@link ObjectReads} (GET, watches) and {@link ObjectDeletion}
 * (DELETE) over fabric8's CRUD store ({@link WatchedStore}); after a write, {@link RootCaPublisher} does what a
 * cluster's root-CA publisher would, and after a write to a CustomResourceDefinition {@link CustomResourceStorage}
 * what it does to the storage of its resource and {@link CrdEstablishment} what the CRD controllers write into its
 * status. Protobuf bodies are read into JSON first; dry-run
 * requests are carried out on a copy ({@link DryRun}).
 */
final class ApiRequestDispatcher extends Dispatcher {

    static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
    static final String CRD_COLLECTION = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    private static final Logger LOG = LoggerFactory.getLogger(ApiRequestDispatcher.class);

    private final Clock clock = Clock.systemUTC();
    private final WatchedStore store = new WatchedStore();
    private final ApiDiscovery discovery = new ApiDiscovery(this::storedCrds);
    private final ScaleSubresource scale = new ScaleSubresource(store);
    private final StoredForm storedForm = new StoredForm(new ClusterIps());
    private final ObjectSchemas schemas = new ObjectSchemas(this::storedCrds);
    private final FieldValidation fieldValidation = new FieldValidation(schemas);
    private final ObjectCreation creation = new ObjectCreation(store, discovery, storedForm, fieldValidation, clock);
    private final ObjectUpdates updates = new ObjectUpdates(store, storedForm, fieldValidation, clock);
    private final ServerSideApplyRequests applies =
            new ServerSideApplyRequests(store, storedForm, creation, fieldValidation, clock);
    private final ObjectReads reads = new ObjectReads(store, discovery, schemas, clock);
    private final ObjectDeletion deletion = new ObjectDeletion(store, discovery);
    private final RootCaPublisher rootCaPublisher = new RootCaPublisher(store, creation, clock);
    private final CustomResourceStorage customResourceStorage = new CustomResourceStorage(store);
    private final CrdEstablishment crdEstablishment = new CrdEstablishment(store, clock);
    private final ApiOpenApiV3 openApi;
    private final Map<String, String> versionInfo;
    /** What {@link #registerCustomResource} registered, for {@link #copy()}. */
    private final List<CustomResourceDefinitionContext> customResources = new CopyOnWriteArrayList<>();
    /** Cache of {@link #storedCrds()}; dropped by every write to a CustomResourceDefinition. */
    private List<CustomResourceDefinition> storedCrds;

    ApiRequestDispatcher(Map<String, String> versionInfo) {
        this.versionInfo = versionInfo;
        this.openApi = new ApiOpenApiV3(discovery, schemas, this::storedCrds, versionInfo.get("gitVersion"));
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
                return json(HttpURLConnection.HTTP_OK, ApiJson.write(versionInfo));
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
        Map<String, Object> crdBefore = null;
        if (crdWrite) {
            forgetStoredCrds();
            crdBefore = customResourceStorage.stored(target);
        }
        MockResponse response = switch (request.method()) {
            case POST -> creation.create(target, request);
            case PUT -> updates.replace(target, request);
            case PATCH -> ServerSideApplyRequests.isApply(request) ? applies.apply(target, request)
                    : updates.patch(target, request);
            case DELETE -> deletion.delete(target, request);
            case GET -> isWatch(request) ? reads.watch(target, request)
                    : target.name() == null ? reads.list(target, request) : reads.get(target, request);
            default -> store.dispatch(request);
        };
        if (crdWrite) {
            forgetStoredCrds();
            if (response.code() < HttpURLConnection.HTTP_MULT_CHOICE) {
                customResourceStorage.afterWrite(crdBefore, customResourceStorage.stored(target));
                String written = target.name() != null ? target.name() : writtenName(response);
                if (target.subresource() == null && request.method() != HttpMethod.DELETE && written != null) {
                    crdEstablishment.afterWrite(written);
                    forgetStoredCrds();
                }
            }
        }
        if (response.code() < HttpURLConnection.HTTP_MULT_CHOICE) {
            rootCaPublisher.afterWrite(target, request.method());
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
        create(collectionPath, ApiJson.parseObject(ApiJson.write(object)));
    }

    /** {@link #create(String, HasMetadata)} for an object in JSON form. */
    void create(String collectionPath, Map<String, Object> object) {
        creation.seed(collectionPath, object);
        if (collectionPath.startsWith(CRD_COLLECTION)) {
            forgetStoredCrds();
        }
    }

    /** The request with its protobuf body read into JSON ({@link ProtobufObjects}). */
    private static RecordedRequest protobufAsJson(RecordedRequest request) {
        Map<String, Object> object = ProtobufObjects.read(request.getBody().getBytes());
        return new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), jsonHeaders(),
                new Buffer().writeUtf8(ApiJson.write(object)));
    }

    private boolean isServed(ResourcePath path) {
        List<APIResource> resources = discovery.resources(path.groupVersion());
        String name = path.subresource() == null ? path.plural() : path.plural() + "/" + path.subresource();
        return resources.stream().anyMatch(resource -> resource.getName().equals(name)
                // the namespace of a namespaced collection is part of the path, not of the resource
                && (path.namespace() == null || Boolean.TRUE.equals(resource.getNamespaced())));
    }

    /** Makes the names of {@code generateName} with {@code generator} instead of {@link GeneratedNames#fromPrefix}. */
    void generateNamesWith(UnaryOperator<String> generator) {
        creation.generateNamesWith(generator);
    }

    /** True for a request that asks to watch ({@code watch=true} or {@code watch=1}). */
    static boolean isWatch(RecordedRequest request) {
        String path = request.getPath();
        return path.contains("?watch=true") || path.contains("&watch=true") || path.contains("?watch=1")
                || path.contains("&watch=1");
    }

    /** The name of the object a successful write answered with; null when the answer holds none. */
    private static String writtenName(MockResponse response) {
        try {
            Object name = ObjectFields.at(ApiJson.parseObject(bodyOf(response)), "metadata", "name");
            return name instanceof String text ? text : null;
        } catch (RuntimeException noObject) {
            return null;
        }
    }

    /** The store answers some errors with an empty body; kubectl prints a real server's Status message. */
    static MockResponse withStatusBody(ResourcePath target, MockResponse response) {
        if (ObjectUpdates.isConflict(response) && target.name() != null
                && bodyOf(response).contains("the object has been modified")) {
            // the store says reason Invalid without a name, which kubectl prints as 'The Deployment "" is invalid'
            return OptimisticConcurrency.conflict(target);
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

    private synchronized void forgetStoredCrds() {
        storedCrds = null;
    }

    /** The stored CRDs, read once per change: discovery consults them on every custom resource request. */
    private synchronized List<CustomResourceDefinition> storedCrds() {
        List<CustomResourceDefinition> crds = storedCrds;
        if (crds == null) {
            MockResponse response = store.handleGet(CRD_COLLECTION);
            crds = List.copyOf(ApiJson.read(text(response.getBody()), CustomResourceDefinitionList.class)
                    .getItems());
            storedCrds = crds;
        }
        return crds;
    }
}

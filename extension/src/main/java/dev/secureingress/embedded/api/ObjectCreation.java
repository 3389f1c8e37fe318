package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import static dev.secureingress.embedded.api.ApiJson.jsonHeaders;
import static dev.secureingress.embedded.api.ApiJson.parseObject;
import static dev.secureingress.embedded.api.ApiJson.text;

/**
 * Creates objects ({@code POST} to a collection) after the checks and changes of a real API server: validation,
 * the namespace must exist, a Service's explicit cluster IP must be free, stored form ({@link StoredForm}), a pod's
 * ServiceAccount must exist, names made from {@code generateName}, and a new namespace gets its {@code default}
 * ServiceAccount and its {@link RootCaConfigMap}. Fields and values that do not fit the resource's schema are refused or dropped
 * ({@link FieldValidation}). The creator's {@code Update} entry goes into {@code metadata.managedFields} ({@link ManagedFields}).
 */
final class ObjectCreation {

    /** As many names as a real API server tries for one {@code generateName}. */
    private static final int GENERATE_NAME_ATTEMPTS = 8;

    private final WatchedStore store;
    private final ApiDiscovery discovery;
    private final StoredForm storedForm;
    private final FieldValidation fieldValidation;
    private final Clock clock;
    private volatile UnaryOperator<String> generatedNames = GeneratedNames::fromPrefix;

    ObjectCreation(WatchedStore store, ApiDiscovery discovery, StoredForm storedForm, FieldValidation fieldValidation,
                   Clock clock) {
        this.store = store;
        this.discovery = discovery;
        this.storedForm = storedForm;
        this.fieldValidation = fieldValidation;
        this.clock = clock;
    }

    /** Creates the object in {@code request}'s body; the request's manager becomes the owner of its fields. */
    MockResponse create(ResourcePath target, RecordedRequest request) {
        return create(target, request, true);
    }

    /**
     * Creates the object in {@code request}'s body whose {@code metadata.managedFields} already say who owns its
     * fields (a server-side apply's {@code Apply} entry).
     */
    MockResponse createOwned(ResourcePath target, RecordedRequest request) {
        return create(target, request, false);
    }

    /**
     * Stores one of the objects a fresh server holds: without a round trip through HTTP and without the checks a
     * client's request goes through (the seed objects are the server's own), but defaulted and in stored form like any
     * other.
     */
    void seed(String collectionPath, HasMetadata object) {
        seed(collectionPath, parseObject(ApiJson.write(object)));
    }

    /** {@link #seed(String, HasMetadata)} for an object in JSON form; {@code object} becomes the stored form. */
    void seed(String collectionPath, Map<String, Object> object) {
        ResourcePath target = ResourcePath.parse(collectionPath).orElseThrow(
                () -> new IllegalArgumentException("not a collection path: " + collectionPath));
        fieldValidation.fillDefaults(target, object);
        storedForm.apply(target, object, null);
        MockResponse response = storeNew(target, new RecordedRequest("HTTP/1.1", HttpMethod.POST, collectionPath,
                jsonHeaders(), new Buffer()), object);
        if (response.code() >= 300) {
            throw new IllegalStateException("could not seed " + object.get("kind") + " "
                    + ObjectFields.at(object, "metadata", "name") + ": HTTP " + response.code() + " "
                    + text(response.getBody()));
        }
    }

    /** Makes the names of {@code generateName} with {@code generator} instead of {@link GeneratedNames#fromPrefix}. */
    void generateNamesWith(UnaryOperator<String> generator) {
        generatedNames = generator;
    }

    private MockResponse create(ResourcePath target, RecordedRequest request, boolean recordCreator) {
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
        FieldValidation.Outcome checked = fieldValidation.checkWritten(target, request, object);
        if (checked.refusal().isPresent()) {
            return checked.refusal().get();
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
        if (recordCreator) {
            ManagedFields.recordUpdate(null, object, request, target, clock.instant());
        }
        if (ObjectFields.at(object, "metadata", "name") == null
                && ObjectFields.at(object, "metadata", "generateName") instanceof String prefix) {
            return checked.warned(createWithGeneratedName(target, request, object, prefix));
        }
        MockResponse created = storeNew(target, request, object);
        if (target.is("", "namespaces") && created.code() == HttpURLConnection.HTTP_CREATED) {
            String namespace = String.valueOf(ObjectFields.at(object, "metadata", "name"));
            seed("/api/v1/namespaces/" + namespace + "/serviceaccounts", DefaultServiceAccount.in(namespace));
            seed(RootCaConfigMap.collectionIn(namespace), RootCaConfigMap.in(namespace));
        }
        return checked.warned(created);
    }

    /**
     * Creates {@code object} under a name made from its {@code generateName} ({@link GeneratedNames#fromPrefix}), as
     * a real API server does: when the name is taken, with another one, {@value #GENERATE_NAME_ATTEMPTS} times at
     * most; then the answer is the last AlreadyExists.
     */
    @SuppressWarnings("unchecked")
    private MockResponse createWithGeneratedName(ResourcePath target, RecordedRequest request,
            Map<String, Object> object, String prefix) {
        Map<String, Object> metadata = (Map<String, Object>) object.get("metadata");
        MockResponse created = null;
        for (int attempt = 0; attempt < GENERATE_NAME_ATTEMPTS
                && (created == null || created.code() == HttpURLConnection.HTTP_CONFLICT); attempt++) {
            metadata.put("name", generatedNames.apply(prefix));
            created = storeNew(target, request, object);
        }
        return created;
    }

    /**
     * Stores the new {@code object} with {@code request}'s method, path and headers. Where the resource has a status
     * subresource, a status sent with the object is dropped and the object gets the status its schema defaults to
     * (a Gateway's "Waiting for controller" conditions), stored with it, as kube-apiserver does: it drops the sent
     * status on create and fills the default in whenever the object is read, also by watches.
     */
    private MockResponse storeNew(ResourcePath target, RecordedRequest request, Map<String, Object> object) {
        if (store.isStatusSubresourceEnabledForResource(request.getPath())) {
            object.remove("status");
            fieldValidation.fillDefaults(target, object);
        }
        return store.createWithStatus(new RecordedRequest(request.getHttpVersion(), request.method(),
                request.getPath(), request.getHeaders(), new Buffer().writeUtf8(ApiJson.write(object))));
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
}

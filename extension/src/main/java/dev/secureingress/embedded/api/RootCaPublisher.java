package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.secureingress.embedded.api.ApiJson.jsonHeaders;
import static dev.secureingress.embedded.api.ApiJson.parseObject;
import static dev.secureingress.embedded.api.ApiJson.text;

/**
 * Keeps {@link RootCaConfigMap} in every namespace, as a cluster's root-ca-cert-publisher (in kube-controller-manager)
 * does, right after the write that called for it instead of a moment later. A deleted one is made again, with a new
 * uid. An edited one whose {@code data} is no longer exactly {@code ca.crt} with the CA, or that lost its
 * {@code kubernetes.io/description} annotation, is updated by manager {@value #MANAGER}: {@code data} is set back
 * (keys a user added go), the description is set; labels, other annotations and {@code binaryData} a user added
 * stay. Its description alone changed to another non-empty text is left as it is, as the publisher leaves it.
 *
 * <p>The publisher's update is an API update like any other: an edited ConfigMap made {@code immutable} refuses it
 * ({@link ImmutableContents}), so the edit stays and the publisher logs the refusal as a warning, as
 * kube-controller-manager logs {@code syncing "<namespace>" failed: ConfigMap "kube-root-ca.crt" is invalid: data:
 * Forbidden: field is immutable when `immutable` is set} (it retries with a growing delay and is refused each time;
 * here each later write to the ConfigMap is such a retry). Only deleting the ConfigMap brings it back.
 */
final class RootCaPublisher {

    /** The manager of the publisher's updates in {@code metadata.managedFields}. */
    static final String MANAGER = "kube-controller-manager";

    private static final Logger LOG = LoggerFactory.getLogger(RootCaPublisher.class);

    private final WatchedStore store;
    private final ObjectCreation creation;
    private final Clock clock;

    RootCaPublisher(WatchedStore store, ObjectCreation creation, Clock clock) {
        this.store = store;
        this.creation = creation;
        this.clock = clock;
    }

    /**
     * Looks after the namespaces a successful {@code method} request to {@code target} may have left without their
     * ConfigMap or with a changed one: a delete, update or patch of it, or a delete of a collection holding it.
     * Nothing else can take it from a namespace here (a cluster's publisher also looks again when a namespace is
     * updated), and a new namespace gets it from {@link ObjectCreation}.
     */
    void afterWrite(ResourcePath target, HttpMethod method) {
        if (method != HttpMethod.PUT && method != HttpMethod.PATCH && method != HttpMethod.DELETE) {
            return;
        }
        if (RootCaConfigMap.isAddressedBy(target)) {
            sync(target.namespace());
        } else if (method == HttpMethod.DELETE && target.is("", "configmaps") && target.namespace() == null) {
            namespaces().forEach(this::sync); // a delete of the ConfigMaps of every namespace
        }
    }

    /** Synchronized: two writes that both found it gone or changed would otherwise both write it. */
    private synchronized void sync(String namespace) {
        if (store.handleGet("/api/v1/namespaces/" + namespace).code() != HttpURLConnection.HTTP_OK) {
            return; // a namespace that is gone keeps none
        }
        String path = RootCaConfigMap.collectionIn(namespace) + "/" + RootCaConfigMap.NAME;
        for (int attempt = 0; attempt < ObjectUpdates.PATCH_ATTEMPTS; attempt++) {
            MockResponse stored = store.handleGet(path);
            if (stored.code() == HttpURLConnection.HTTP_NOT_FOUND) {
                creation.seed(RootCaConfigMap.collectionIn(namespace), RootCaConfigMap.in(namespace));
                return;
            }
            if (stored.code() != HttpURLConnection.HTTP_OK) {
                return;
            }
            Map<String, Object> current = parseObject(text(stored.getBody()));
            Map<String, Object> restored = restored(current);
            if (restored == null) {
                return;
            }
            ResourcePath target = ResourcePath.parse(path).orElseThrow();
            Optional<MockResponse> refused = UpdateValidation.validate(target, restored, current);
            if (refused.isPresent()) {
                LOG.warn("syncing \"{}\" failed: {}", namespace,
                        ObjectFields.at(parseObject(text(refused.get().getBody())), "message"));
                return;
            }
            RecordedRequest update = new RecordedRequest("HTTP/1.1", HttpMethod.PUT, path + "?fieldManager=" + MANAGER,
                    jsonHeaders(), new Buffer());
            ManagedFields.recordUpdate(current, restored, update, target, clock.instant());
            MockResponse written = store.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.PUT, path, jsonHeaders(),
                    new Buffer().writeUtf8(ApiJson.write(restored))));
            if (!ObjectUpdates.isConflict(written)) {
                return;
            }
        }
    }

    /** The ConfigMap {@code current} set back as the publisher sets it, or {@code null} if it needs nothing. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> restored(Map<String, Object> current) {
        Map<String, Object> data = Map.of(RootCaConfigMap.KEY,
                ServingIdentity.get().certificateAuthority().certificatePem());
        Object description = ObjectFields.at(current, "metadata", "annotations",
                RootCaConfigMap.DESCRIPTION_ANNOTATION);
        if (data.equals(current.get("data")) && description instanceof String text && !text.isEmpty()) {
            return null;
        }
        Map<String, Object> restored = new LinkedHashMap<>(current);
        restored.put("data", new LinkedHashMap<>(data));
        Map<String, Object> metadata = new LinkedHashMap<>((Map<String, Object>) current.get("metadata"));
        Map<String, Object> annotations = metadata.get("annotations") instanceof Map<?, ?> existing
                ? new LinkedHashMap<>((Map<String, Object>) existing) : new LinkedHashMap<>();
        annotations.put(RootCaConfigMap.DESCRIPTION_ANNOTATION, RootCaConfigMap.DESCRIPTION);
        metadata.put("annotations", annotations);
        restored.put("metadata", metadata);
        return restored;
    }

    private List<String> namespaces() {
        Map<String, Object> list = parseObject(text(store.handleGet("/api/v1/namespaces").getBody()));
        return list.get("items") instanceof List<?> items ? items.stream()
                .map(item -> ObjectFields.at((Map<?, ?>) item, "metadata", "name"))
                .map(String::valueOf)
                .toList() : List.of();
    }
}

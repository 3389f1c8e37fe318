package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import static dev.secureingress.embedded.api.ApiRequestDispatcher.jsonHeaders;
import static dev.secureingress.embedded.api.ApiRequestDispatcher.parseObject;
import static dev.secureingress.embedded.api.ApiRequestDispatcher.text;
import static dev.secureingress.embedded.api.ApiRequestDispatcher.withoutQuery;

/**
 * Changes stored objects: replaces them ({@code PUT}) and patches them ({@code PATCH} with a JSON merge patch, a
 * strategic merge patch or a JSON patch), with the checks of a real API server ({@link UpdateValidation}), in
 * stored form ({@link StoredForm}), recording the writer's {@code Update} entry in {@code metadata.managedFields}
 * ({@link ManagedFields}). Server-side apply is {@link ServerSideApplyRequests}' job.
 */
final class ObjectUpdates {

    static final String MERGE_PATCH = "application/merge-patch+json";
    static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
    static final String JSON_PATCH = "application/json-patch+json";
    /** How often a patch is applied again to the latest version when a write came in between. */
    static final int PATCH_ATTEMPTS = 5;

    private final WatchedStore store;
    private final StoredForm storedForm;
    private final Clock clock;

    ObjectUpdates(WatchedStore store, StoredForm storedForm, Clock clock) {
        this.store = store;
        this.storedForm = storedForm;
        this.clock = clock;
    }

    /** Replaces an object (PUT) in stored form, recording its field manager; status writes go to the store as sent. */
    MockResponse replace(ResourcePath target, RecordedRequest request) {
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
            ManagedFields.recordUpdate(current, object, request, target, clock.instant());
        }
        return store.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(),
                request.getHeaders(), new Buffer().writeUtf8(Serialization.asJson(object))));
    }

    /** A patch other than a server-side apply: a JSON merge patch, a strategic merge patch or a JSON patch. */
    MockResponse patch(ResourcePath target, RecordedRequest request) {
        String contentType = String.valueOf(request.getHeader("Content-Type"));
        boolean strategic = contentType.startsWith(STRATEGIC_MERGE_PATCH);
        boolean merge = contentType.startsWith(MERGE_PATCH);
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
            ManagedFields.recordUpdate(original, patched, request, target, clock.instant());
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

    static boolean isConflict(MockResponse response) {
        return response.code() == HttpURLConnection.HTTP_CONFLICT;
    }
}

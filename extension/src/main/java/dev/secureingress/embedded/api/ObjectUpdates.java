package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static dev.secureingress.embedded.api.ApiJson.jsonHeaders;
import static dev.secureingress.embedded.api.ApiJson.parseObject;
import static dev.secureingress.embedded.api.ApiJson.text;
import static dev.secureingress.embedded.api.ResourcePath.withoutQuery;

/**
 * Changes stored objects: replaces them ({@code PUT}) and patches them ({@code PATCH} with a JSON merge patch, a
 * strategic merge patch or a JSON patch), with the checks of a real API server ({@link UpdateValidation}), in
 * stored form ({@link StoredForm}), recording the writer's {@code Update} entry in {@code metadata.managedFields}
 * ({@link ManagedFields}). Writes to the {@code status} subresource change only the status and record their entry
 * for that subresource. Server-side apply is {@link ServerSideApplyRequests}' job.
 */
final class ObjectUpdates {

    static final String MERGE_PATCH = "application/merge-patch+json";
    static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
    static final String JSON_PATCH = "application/json-patch+json";
    /** How often a patch is applied again to the latest version when a write came in between. */
    static final int PATCH_ATTEMPTS = 5;

    private final WatchedStore store;
    private final StoredForm storedForm;
    private final FieldValidation fieldValidation;
    private final Clock clock;

    ObjectUpdates(WatchedStore store, StoredForm storedForm, FieldValidation fieldValidation, Clock clock) {
        this.store = store;
        this.storedForm = storedForm;
        this.fieldValidation = fieldValidation;
        this.clock = clock;
    }

    /**
     * Replaces an object (PUT) in stored form, or its status (PUT to {@code /status}: only the sent status counts),
     * recording the writer's {@code Update} entry.
     */
    MockResponse replace(ResourcePath target, RecordedRequest request) {
        boolean status = isStatus(target);
        if ((target.subresource() != null && !status) || target.name() == null) {
            return store.dispatch(request);
        }
        Map<String, Object> object;
        try {
            object = parseObject(text(request.getBody()));
        } catch (RuntimeException unreadable) {
            return store.dispatch(request); // the store answers with its own error
        }
        String path = withoutQuery(request.getPath());
        MockResponse stored = store.handleGet(status ? path.substring(0, path.lastIndexOf('/')) : path);
        Map<String, Object> current = stored.code() == HttpURLConnection.HTTP_OK
                ? parseObject(text(stored.getBody())) : null;
        FieldValidation.Outcome checked = fieldValidation.checkWritten(target, request, object, current);
        if (checked.refusal().isPresent()) {
            return checked.refusal().get();
        }
        if (status) {
            return checked.warned(writeStatus(target, request, latest -> object));
        }
        Optional<MockResponse> refused = current == null ? Optional.empty()
                : OptimisticConcurrency.check(target, object, current)
                        .or(() -> UpdateValidation.validate(target, object, current));
        if (refused.isPresent()) {
            return refused.get();
        }
        storedForm.apply(target, object, current);
        if (current != null) {
            ManagedFields.recordUpdate(current, object, request, target, clock.instant());
        }
        return checked.warned(store.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(),
                request.getPath(), request.getHeaders(), new Buffer().writeUtf8(ApiJson.write(object)))));
    }

    /**
     * A patch other than a server-side apply: a JSON merge patch, a strategic merge patch or a JSON patch, of an
     * object or of its status (to {@code /status}: only the patched status counts).
     */
    MockResponse patch(ResourcePath target, RecordedRequest request) {
        String contentType = String.valueOf(request.getHeader("Content-Type"));
        boolean strategic = contentType.startsWith(STRATEGIC_MERGE_PATCH);
        boolean merge = contentType.startsWith(MERGE_PATCH);
        boolean json = contentType.startsWith(JSON_PATCH);
        if (ManagedFields.parameter(request, "force") != null) {
            return ApiErrors.status(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not"
                    + " be specified for non-apply patch");
        }
        if (strategic && !ApiDiscovery.isBuiltIn(target.groupVersion())) {
            return ApiErrors.status(HttpURLConnection.HTTP_UNSUPPORTED_TYPE, "UnsupportedMediaType",
                    "the body of the request was in an unknown format - accepted media types include: "
                            + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        }
        boolean status = isStatus(target);
        if (!(strategic || merge || json) || (target.subresource() != null && !status) || target.name() == null) {
            return store.dispatch(request); // the store's own handling and answers
        }
        String patch = text(request.getBody());
        UnaryOperator<Map<String, Object>> patching = original -> {
            if (json) {
                return JsonPatches.apply(original, patch);
            }
            Map<String, Object> mergePatch = parseObject(patch);
            return strategic ? StrategicMergePatch.apply(original, mergePatch) : JsonMergePatch.apply(original, mergePatch);
        };
        if (status) {
            FieldValidation.Outcome checked = checkStatusPatch(target, request, patching);
            if (checked.refusal().isPresent()) {
                return checked.refusal().get();
            }
            return checked.warned(writeStatus(target, request, current -> {
                Map<String, Object> patched = patching.apply(current);
                fieldValidation.checkPatched(target, request, patched, current); // drops what the check above reported
                return patched;
            }));
        }
        String path = withoutQuery(request.getPath());
        // as a real API server does, a patch is applied to the latest version: when a controller wrote the
        // object between our read and our write (409), the patch is applied again to what it wrote
        MockResponse written = null;
        for (int attempt = 0; attempt < PATCH_ATTEMPTS && (written == null || isConflict(written)); attempt++) {
            MockResponse current = store.handleGet(path);
            if (current.code() != HttpURLConnection.HTTP_OK) {
                return current;
            }
            Map<String, Object> original = parseObject(text(current.getBody()));
            Map<String, Object> patched;
            try {
                patched = patching.apply(original);
            } catch (RuntimeException malformed) {
                return json ? store.dispatch(request) // the store answers a JSON patch that does not apply
                        : ApiErrors.badRequest("invalid " + (strategic ? "strategic merge" : "merge") + " patch: "
                                + malformed.getMessage());
            }
            FieldValidation.Outcome checked = fieldValidation.checkPatched(target, request, patched, original);
            Optional<MockResponse> refused = checked.refusal()
                    .or(() -> OptimisticConcurrency.check(target, patched, original))
                    .or(() -> UpdateValidation.validate(target, patched, original));
            if (refused.isPresent()) {
                return refused.get();
            }
            storedForm.apply(target, patched, original);
            ManagedFields.recordUpdate(original, patched, request, target, clock.instant());
            written = checked.warned(store.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.PUT, path,
                    jsonHeaders(), new Buffer().writeUtf8(ApiJson.write(patched)))));
        }
        return written;
    }

    /**
     * The check of the object a status patch makes of the latest version (nothing found when there is none or the
     * patch does not apply: {@link #writeStatus} answers that).
     */
    private FieldValidation.Outcome checkStatusPatch(ResourcePath target, RecordedRequest request,
                                                     UnaryOperator<Map<String, Object>> patching) {
        String path = withoutQuery(request.getPath());
        MockResponse current = store.handleGet(path.substring(0, path.lastIndexOf('/')));
        if (current.code() != HttpURLConnection.HTTP_OK) {
            return FieldValidation.Outcome.NOTHING_FOUND;
        }
        Map<String, Object> original = parseObject(text(current.getBody()));
        Map<String, Object> patched;
        try {
            patched = patching.apply(parseObject(text(current.getBody())));
        } catch (RuntimeException notApplicable) {
            return FieldValidation.Outcome.NOTHING_FOUND;
        }
        return fieldValidation.checkPatched(target, request, patched, original);
    }

    /**
     * Writes the status of the object {@code statusWrite} makes of the latest version (the sent object, or the
     * patched one), recording the writer's {@code Update} entry for the {@code status} subresource; again on the
     * version a write in between made (409), unless the written object names the version it was made on
     * ({@link OptimisticConcurrency}). What {@code statusWrite} cannot make (a JSON patch that does not apply) the
     * store answers.
     */
    private MockResponse writeStatus(ResourcePath target, RecordedRequest request,
            UnaryOperator<Map<String, Object>> statusWrite) {
        String path = withoutQuery(request.getPath());
        String objectPath = path.substring(0, path.lastIndexOf('/'));
        MockResponse written = null;
        for (int attempt = 0; attempt < PATCH_ATTEMPTS && (written == null || isConflict(written)); attempt++) {
            MockResponse current = store.handleGet(objectPath);
            if (current.code() != HttpURLConnection.HTTP_OK) {
                return store.dispatch(request);
            }
            Map<String, Object> original = parseObject(text(current.getBody()));
            Map<String, Object> sent;
            try {
                sent = statusWrite.apply(parseObject(text(current.getBody())));
            } catch (RuntimeException notApplicable) {
                return store.dispatch(request);
            }
            Optional<MockResponse> conflict = OptimisticConcurrency.check(target, sent, original);
            if (conflict.isPresent()) {
                return conflict.get();
            }
            Map<String, Object> updated = withStatusOf(original, sent);
            ManagedFields.recordUpdate(original, updated, request, target, clock.instant());
            written = store.replaceWithStatus(objectPath, ApiJson.write(updated));
        }
        return written;
    }

    /** {@code current} with the status of {@code written} (none if it has none): a status write changes only that. */
    private static Map<String, Object> withStatusOf(Map<String, Object> current, Map<String, Object> written) {
        Map<String, Object> updated = new LinkedHashMap<>(current);
        if (written.get("status") == null) {
            updated.remove("status");
        } else {
            updated.put("status", written.get("status"));
        }
        return updated;
    }

    private static boolean isStatus(ResourcePath target) {
        return "status".equals(target.subresource()) && target.name() != null;
    }

    static boolean isConflict(MockResponse response) {
        return response.code() == HttpURLConnection.HTTP_CONFLICT;
    }
}

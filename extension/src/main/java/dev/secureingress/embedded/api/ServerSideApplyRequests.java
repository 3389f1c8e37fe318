package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import static dev.secureingress.embedded.api.ApiJson.jsonHeaders;
import static dev.secureingress.embedded.api.ApiJson.parseObject;
import static dev.secureingress.embedded.api.ApiJson.text;
import static dev.secureingress.embedded.api.ResourcePath.withoutQuery;
import static dev.secureingress.embedded.api.ObjectUpdates.PATCH_ATTEMPTS;
import static dev.secureingress.embedded.api.ObjectUpdates.isConflict;

/**
 * Carries out server-side apply requests ({@code PATCH} with {@code application/apply-patch+yaml}) to an object or
 * its {@code status}: checks the request (field manager, API version, name), creates the object from the applied
 * configuration where there is none ({@link ObjectCreation}), else merges the configuration into the latest version
 * of it ({@link ServerSideApply}) and stores the result.
 */
final class ServerSideApplyRequests {

    static final String APPLY_PATCH = "application/apply-patch+yaml";

    private final WatchedStore store;
    private final StoredForm storedForm;
    private final ObjectCreation creation;
    private final FieldValidation fieldValidation;
    private final Clock clock;

    ServerSideApplyRequests(WatchedStore store, StoredForm storedForm, ObjectCreation creation,
                            FieldValidation fieldValidation, Clock clock) {
        this.store = store;
        this.storedForm = storedForm;
        this.creation = creation;
        this.fieldValidation = fieldValidation;
        this.clock = clock;
    }

    /** True for a request whose body is an apply configuration. */
    static boolean isApply(RecordedRequest request) {
        return String.valueOf(request.getHeader("Content-Type")).startsWith(APPLY_PATCH);
    }

    /** Applies the configuration in {@code request}'s body to the object or status {@code target} names. */
    MockResponse apply(ResourcePath target, RecordedRequest request) {
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
            applied = parseObject(ApiJson.write(ApiJson.read(text(request.getBody()), Object.class)));
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
        Optional<MockResponse> undeclared = fieldValidation.checkApplied(target, applied);
        if (undeclared.isPresent()) {
            return undeclared.get();
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
                written = creation.createOwned(ResourcePath.parse(collection).orElseThrow(), new RecordedRequest(
                        request.getHttpVersion(), HttpMethod.POST, collection, jsonHeaders(),
                        new Buffer().writeUtf8(ApiJson.write(created))));
                continue;
            }
            if (current.code() != HttpURLConnection.HTTP_OK) {
                return current;
            }
            Map<String, Object> live = parseObject(text(current.getBody()));
            Optional<MockResponse> outdated = OptimisticConcurrency.check(target, applied, live);
            if (outdated.isPresent()) {
                return outdated.get();
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
            Optional<MockResponse> refused = UpdateValidation.validate(target, merged, live)
                    .or(() -> fieldValidation.checkWritten(target, request, merged, live).refusal());
            if (refused.isPresent()) {
                return refused.get();
            }
            storedForm.apply(target, merged, live);
            written = status ? store.replaceWithStatus(objectPath, ApiJson.write(merged))
                    : store.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.PUT, path, jsonHeaders(),
                            new Buffer().writeUtf8(ApiJson.write(merged))));
        }
        return written;
    }
}

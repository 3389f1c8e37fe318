package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.fabric8.mockwebserver.http.MockResponse;

import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A real API server's optimistic concurrency: a write (a PUT of an object or of its status, a patch, a server-side
 * apply, a Scale) that names a {@code metadata.resourceVersion} is carried out only on that version of the object;
 * on any other it is answered 409 Conflict, {@code Operation cannot be fulfilled on gateways.gateway.networking.k8s.io
 * "x": the object has been modified; please apply your changes to the latest version and try again}. A write that
 * names none (most patches) is not checked.
 */
final class OptimisticConcurrency {

    private OptimisticConcurrency() {
    }

    /**
     * The Conflict answer when {@code written} names a resource version other than that of {@code stored} (the
     * version the write would replace); empty when it may be stored.
     */
    static Optional<MockResponse> check(ResourcePath target, Map<String, Object> written, Map<String, Object> stored) {
        Object expected = ObjectFields.at(written, "metadata", "resourceVersion");
        if (expected == null || expected.toString().isEmpty()
                || Objects.equals(expected.toString(), String.valueOf(ObjectFields.at(stored, "metadata", "resourceVersion")))) {
            return Optional.empty();
        }
        return Optional.of(conflict(target));
    }

    /** The Conflict answer for a write to {@code target}'s object made on a version that is no longer stored. */
    static MockResponse conflict(ResourcePath target) {
        return ApiErrors.status(HttpURLConnection.HTTP_CONFLICT, "Conflict", "Operation cannot be fulfilled on "
                        + target.qualifiedResource() + " \"" + target.name() + "\": the object has been modified;"
                        + " please apply your changes to the latest version and try again",
                new StatusDetailsBuilder().withName(target.name())
                        .withGroup(target.group().isEmpty() ? null : target.group())
                        .withKind(target.plural()).build());
    }
}

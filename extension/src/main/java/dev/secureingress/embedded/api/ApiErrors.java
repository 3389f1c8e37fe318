package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.fabric8.mockwebserver.http.MockResponse;

import java.net.HttpURLConnection;
import java.util.List;

/** Error answers shaped like a real API server's: a {@code Status} object with reason and message. */
final class ApiErrors {

    private ApiErrors() {
    }

    static MockResponse notFound(String message) {
        return status(HttpURLConnection.HTTP_NOT_FOUND, "NotFound", message);
    }

    static MockResponse badRequest(String message) {
        return status(HttpURLConnection.HTTP_BAD_REQUEST, "BadRequest", message);
    }

    static MockResponse status(int code, String reason, String message) {
        return status(code, reason, message, List.of());
    }

    /** A {@code Status} whose details name the fields at fault ({@code causes}). */
    static MockResponse status(int code, String reason, String message, List<StatusCause> causes) {
        return status(code, reason, message, causes.isEmpty() ? null
                : new StatusDetailsBuilder().withCauses(causes).build());
    }

    /** A {@code Status} with {@code details} (none when {@code null}), e.g. the name, group and kind concerned. */
    static MockResponse status(int code, String reason, String message, StatusDetails details) {
        Status status = new StatusBuilder()
                .withApiVersion("v1").withKind("Status")
                .withStatus("Failure").withReason(reason).withMessage(message).withCode(code)
                .withDetails(details)
                .build();
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                .setBody(ApiJson.write(status));
    }
}

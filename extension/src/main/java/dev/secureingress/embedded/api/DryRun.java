package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Server-side dry run: a write with {@code ?dryRun=All} ({@code kubectl apply --dry-run=server}), or a delete whose
 * {@code DeleteOptions} say {@code dryRun: [All]} ({@code kubectl delete --dry-run=server}), is checked, defaulted
 * and answered as it would be, and nothing is stored. The only value a real API server accepts is {@code All}; any other is refused as it refuses it.
 */
final class DryRun {

    private static final String PARAMETER = "dryRun";

    private DryRun() {
    }

    /** True for a write (create, update, patch, delete) that asks for a dry run. */
    static boolean isRequested(RecordedRequest request) {
        return switch (request.method()) {
            case POST, PUT, PATCH, DELETE -> !values(request).isEmpty();
            default -> false;
        };
    }

    /**
     * The answer to a dry-run {@code request}: {@code carryOut} carries out the request on a copy of the store
     * that is dropped afterwards.
     */
    static MockResponse answer(RecordedRequest request, Function<RecordedRequest, MockResponse> carryOut) {
        List<String> values = values(request);
        if (!values.stream().allMatch("All"::equals)) {
            String given = values.stream().map(value -> "\"" + value + "\"").collect(Collectors.joining(", "));
            return ApiErrors.status(422, "Invalid", optionsKind(request) + ".meta.k8s.io \"\" is invalid: "
                    + "dryRun: Unsupported value: []string{" + given + "}: supported values: \"All\"");
        }
        return carryOut.apply(request);
    }

    private static String optionsKind(RecordedRequest request) {
        return switch (request.method()) {
            case POST -> "CreateOptions";
            case PUT -> "UpdateOptions";
            case PATCH -> "PatchOptions";
            default -> "DeleteOptions";
        };
    }

    /** The dry-run values of the query, else of a delete's {@code DeleteOptions} body (where kubectl puts them). */
    private static List<String> values(RecordedRequest request) {
        List<String> inQuery = QueryParameters.values(request.getPath(), PARAMETER);
        if (!inQuery.isEmpty() || request.method() != HttpMethod.DELETE) {
            return inQuery;
        }
        String body = ApiJson.text(request.getBody());
        if (body.isBlank()) {
            return List.of();
        }
        try {
            List<String> inOptions = ApiJson.read(body, DeleteOptions.class).getDryRun();
            return inOptions == null ? List.of() : inOptions;
        } catch (RuntimeException notDeleteOptions) {
            return List.of(); // the delete itself answers a body it cannot read
        }
    }
}

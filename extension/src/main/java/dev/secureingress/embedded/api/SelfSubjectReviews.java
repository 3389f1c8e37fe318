package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.net.HttpURLConnection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The review {@code kubectl auth whoami} asks for: a SelfSubjectReview, answered with who the caller is. The embedded
 * API server takes whoever holds its kubeconfig for a cluster admin (as {@link SelfAccessReviews} allows every
 * request): the user of its kubeconfig, {@value EmbeddedApiServer#KUBECONFIG_CONTEXT}, in the groups
 * {@code system:masters} and {@code system:authenticated}.
 */
final class SelfSubjectReviews {

    static final String GROUP_VERSION = "authentication.k8s.io/v1";
    static final String USERNAME = EmbeddedApiServer.KUBECONFIG_CONTEXT;
    static final List<String> GROUPS = List.of("system:masters", "system:authenticated");

    private static final String REVIEWS = "/apis/" + GROUP_VERSION + "/selfsubjectreviews";

    private SelfSubjectReviews() {
    }

    /** The review answering {@code request}, or empty when it asks for something else. */
    static Optional<MockResponse> answer(RecordedRequest request, String path) {
        if (request.method() != HttpMethod.POST || !path.equals(REVIEWS)) {
            return Optional.empty();
        }
        Map<String, Object> review = new LinkedHashMap<>();
        review.put("apiVersion", GROUP_VERSION);
        review.put("kind", "SelfSubjectReview");
        review.put("metadata", Map.of());
        review.put("status", Map.of("userInfo", Map.of("username", USERNAME, "groups", GROUPS)));
        return Optional.of(ApiJson.json(HttpURLConnection.HTTP_CREATED, ApiJson.write(review)));
    }
}

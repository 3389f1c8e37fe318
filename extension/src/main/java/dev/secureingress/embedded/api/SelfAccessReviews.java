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
 * The access reviews {@code kubectl auth can-i} asks for: a SelfSubjectAccessReview (may I do this?) and a
 * SelfSubjectRulesReview ({@code --list}). The embedded API server authorizes every request of whoever holds its
 * kubeconfig, so every review is allowed and the rules are {@code *}, as for a cluster admin.
 */
final class SelfAccessReviews {

    private static final String GROUP_VERSION = "authorization.k8s.io/v1";
    private static final String ACCESS_REVIEWS = "/apis/" + GROUP_VERSION + "/selfsubjectaccessreviews";
    private static final String RULES_REVIEWS = "/apis/" + GROUP_VERSION + "/selfsubjectrulesreviews";
    private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";

    private SelfAccessReviews() {
    }

    /** The review answering {@code request}, or empty when it asks for something else. */
    static Optional<MockResponse> answer(RecordedRequest request, String path) {
        if (request.method() != HttpMethod.POST || !(path.equals(ACCESS_REVIEWS) || path.equals(RULES_REVIEWS))) {
            return Optional.empty();
        }
        boolean rules = path.equals(RULES_REVIEWS);
        Map<String, Object> review = new LinkedHashMap<>();
        review.put("apiVersion", GROUP_VERSION);
        review.put("kind", rules ? "SelfSubjectRulesReview" : "SelfSubjectAccessReview");
        review.put("metadata", Map.of());
        review.put("spec", askedSpec(request));
        review.put("status", rules
                ? Map.of("resourceRules", List.of(Map.of("verbs", List.of("*"), "apiGroups", List.of("*"),
                                "resources", List.of("*"))),
                        "nonResourceRules", List.of(Map.of("verbs", List.of("*"), "nonResourceURLs", List.of("*"))),
                        "incomplete", false)
                : Map.of("allowed", true, "reason", "the embedded API server allows every request"));
        return Optional.of(ApiJson.json(HttpURLConnection.HTTP_CREATED, ApiJson.write(review)));
    }

    /** The spec of a review sent as JSON; kubectl sends protobuf, whose spec is not read (the answer is the same). */
    private static Object askedSpec(RecordedRequest request) {
        if (String.valueOf(request.getHeader("Content-Type")).startsWith(PROTOBUF)) {
            return Map.of();
        }
        try {
            return ApiJson.parseObject(ApiJson.text(request.getBody()))
                    .getOrDefault("spec", Map.of());
        } catch (RuntimeException unreadable) {
            return Map.of();
        }
    }
}

package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.http.MockResponse;

import java.net.HttpURLConnection;
import java.util.List;
import java.util.Optional;

/**
 * The API server's health endpoints, {@code /livez}, {@code /readyz} and the older {@code /healthz}, as scripts and
 * load balancers probe them ({@code kubectl get --raw /readyz}): {@code ok} in plain text, each check on a line of
 * its own with {@code ?verbose}, and a single check under its name ({@code /readyz/ping}). The server answers only
 * once it serves, so every check passes.
 */
final class HealthEndpoints {

    private static final List<String> ENDPOINTS = List.of("/livez", "/readyz", "/healthz");
    private static final List<String> CHECKS = List.of("ping", "log");

    private HealthEndpoints() {
    }

    /** The answer to a GET of {@code path} (without its query), if it is a health endpoint. */
    static Optional<MockResponse> answer(String path, String query) {
        for (String endpoint : ENDPOINTS) {
            if (path.equals(endpoint) || path.equals(endpoint + "/")) {
                return Optional.of(query.contains("verbose") ? text(verbose(endpoint)) : text("ok"));
            }
            if (path.startsWith(endpoint + "/")) {
                String check = path.substring(endpoint.length() + 1);
                return Optional.of(CHECKS.contains(check) ? text("ok")
                        : new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND)
                                .setHeader("Content-Type", "text/plain; charset=utf-8")
                                .setBody("404 page not found\n"));
            }
        }
        return Optional.empty();
    }

    private static String verbose(String endpoint) {
        StringBuilder lines = new StringBuilder();
        CHECKS.forEach(check -> lines.append("[+]").append(check).append(" ok\n"));
        return lines.append(endpoint.substring(1)).append(" check passed\n").toString();
    }

    private static MockResponse text(String body) {
        return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK)
                .setHeader("Content-Type", "text/plain; charset=utf-8")
                .setHeader("X-Content-Type-Options", "nosniff")
                .setBody(body);
    }
}

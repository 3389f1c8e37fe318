package dev.secureingress.embedded.dataplane;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The parts of a request that routing looks at.
 *
 * @param method  the request method
 * @param host    the {@code Host} header's hostname, normalized (no port, lower case); {@code null} if absent
 * @param path    the raw path, without query
 * @param query   the raw query string without {@code ?}, or empty
 * @param params  the decoded query parameters
 * @param headers the request headers
 */
record RequestView(String method, String host, String path, String query, Map<String, List<String>> params,
                   HttpHeaders headers) {

    static RequestView of(HttpRequest request) {
        String uri = request.uri();
        String host = HostnameMatch.normalize(request.headers().get("host"));
        if (!uri.startsWith("/")) {
            // absolute-form (http://host/path) as proxies receive it, or the asterisk form
            try {
                URI parsed = URI.create(uri);
                if (host == null) {
                    host = HostnameMatch.normalize(parsed.getRawAuthority());
                }
                String rawPath = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
                uri = parsed.getRawQuery() == null ? rawPath : rawPath + "?" + parsed.getRawQuery();
            } catch (IllegalArgumentException notAUri) {
                uri = "/";
            }
        }
        int hash = uri.indexOf('#');
        if (hash >= 0) {
            uri = uri.substring(0, hash);
        }
        int question = uri.indexOf('?');
        String path = question < 0 ? uri : uri.substring(0, question);
        String query = question < 0 ? "" : uri.substring(question + 1);
        Map<String, List<String>> params = new QueryStringDecoder(uri).parameters();
        return new RequestView(request.method().name(), host, path, query, params, request.headers());
    }

    /** Path and query as they go on a request line. */
    String pathAndQuery() {
        return query.isEmpty() ? path : path + "?" + query;
    }
}

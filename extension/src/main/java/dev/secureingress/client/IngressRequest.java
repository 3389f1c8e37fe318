package dev.secureingress.client;

import okhttp3.HttpUrl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTPS request to a virtual host behind the gateway, addressed as the user would type it: the virtual host
 * name and the listener's logical port ({@code https://httpbin.example.com/status/418}). Immutable.
 *
 * <pre>{@code
 * IngressRequest teapot = IngressRequest.get("httpbin.example.com", "/status/418");
 * IngressRequest post = IngressRequest.builder("https://httpbin.example.com/post")
 *     .header("X-Test", "1")
 *     .method("POST", "hello", "text/plain")
 *     .build();
 * }</pre>
 */
public final class IngressRequest {

    /** The port HTTPS listeners use unless told otherwise. */
    public static final int DEFAULT_PORT = 443;

    private final String method;
    private final String host;
    private final int port;
    private final String pathAndQuery;
    private final List<Map.Entry<String, String>> headers;
    private final byte[] body;
    private final String contentType;

    private IngressRequest(Builder builder) {
        this.method = builder.method;
        this.host = builder.host;
        this.port = builder.port;
        this.pathAndQuery = builder.pathAndQuery;
        this.headers = List.copyOf(builder.headers);
        this.body = builder.body;
        this.contentType = builder.contentType;
    }

    /** {@code GET https://host/path} on the logical port 443. */
    public static IngressRequest get(String host, String pathAndQuery) {
        return builder(host, DEFAULT_PORT, pathAndQuery).build();
    }

    /** {@code GET url}, where {@code url} is an {@code https://} URL naming the virtual host and logical port. */
    public static IngressRequest get(String url) {
        return builder(url).build();
    }

    /** A request to an {@code https://} URL naming the virtual host and the logical port. */
    public static Builder builder(String url) {
        HttpUrl parsed = HttpUrl.parse(Objects.requireNonNull(url, "url"));
        if (parsed == null || !parsed.isHttps()) {
            throw new IllegalArgumentException("Not an https:// URL: '" + url
                    + "'; write it as the user would, e.g. https://httpbin.example.com/status/418");
        }
        String pathAndQuery = parsed.encodedPath() + (parsed.encodedQuery() == null ? "" : "?" + parsed.encodedQuery());
        return builder(parsed.host(), parsed.port(), pathAndQuery);
    }

    /** A request to {@code https://host:port/pathAndQuery}. */
    public static Builder builder(String host, int port, String pathAndQuery) {
        return new Builder(host, port, pathAndQuery);
    }

    public String method() {
        return method;
    }

    /** The virtual host name: SNI, hostname verification and the {@code Host} header use it. */
    public String host() {
        return host;
    }

    /** The listener's logical port, as in the Gateway's {@code spec.listeners[].port}. */
    public int port() {
        return port;
    }

    /** The path with its query, for example {@code /status/418}. */
    public String pathAndQuery() {
        return pathAndQuery;
    }

    /** Extra headers in the order given (the {@code Host} header is always the virtual host). */
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    /** The request body, if any. */
    public Optional<byte[]> body() {
        return Optional.ofNullable(body).map(byte[]::clone);
    }

    /** The body's media type, if there is a body. */
    public Optional<String> contentType() {
        return Optional.ofNullable(contentType);
    }

    /** The URL with the virtual host and logical port, for example {@code https://httpbin.example.com/status/418}. */
    public String url() {
        return "https://" + host + (port == DEFAULT_PORT ? "" : ":" + port) + pathAndQuery;
    }

    /** This request to another path (headers and body kept). */
    public IngressRequest withPath(String pathAndQuery) {
        return toBuilder().path(pathAndQuery).build();
    }

    /** A builder holding this request's values. */
    public Builder toBuilder() {
        Builder builder = new Builder(host, port, pathAndQuery);
        builder.method = method;
        builder.headers.addAll(headers);
        builder.body = body;
        builder.contentType = contentType;
        return builder;
    }

    @Override
    public String toString() {
        return method + " " + url();
    }

    /** Builds an {@link IngressRequest}. */
    public static final class Builder {
        private String method = "GET";
        private final String host;
        private final int port;
        private String pathAndQuery;
        private final List<Map.Entry<String, String>> headers = new ArrayList<>();
        private byte[] body;
        private String contentType;

        private Builder(String host, int port, String pathAndQuery) {
            this.host = HostNames.requireHostName(host);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("Port " + port + " of " + host + " is not in 1..65535");
            }
            this.port = port;
            path(pathAndQuery);
        }

        /** The path with its query; must start with {@code /}. */
        public Builder path(String pathAndQuery) {
            Objects.requireNonNull(pathAndQuery, "pathAndQuery");
            if (!pathAndQuery.startsWith("/")) {
                throw new IllegalArgumentException("The path '" + pathAndQuery + "' must start with '/'");
            }
            this.pathAndQuery = pathAndQuery;
            return this;
        }

        /** Adds a header. The {@code Host} header cannot be set: it is always the virtual host. */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.equalsIgnoreCase("Host")) {
                throw new IllegalArgumentException("The Host header is always the virtual host (" + host
                        + "); to reach another host, build the request for that host");
            }
            headers.add(Map.entry(name, value));
            return this;
        }

        /** A method without a body, such as {@code GET}, {@code HEAD} or {@code DELETE}. */
        public Builder method(String method) {
            this.method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
            this.body = null;
            this.contentType = null;
            return this;
        }

        /** A method with a UTF-8 text body. */
        public Builder method(String method, String body, String contentType) {
            return method(method, body.getBytes(StandardCharsets.UTF_8), contentType);
        }

        /** A method with a body. */
        public Builder method(String method, byte[] body, String contentType) {
            this.method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
            this.body = body.clone();
            this.contentType = Objects.requireNonNull(contentType, "contentType");
            return this;
        }

        public IngressRequest build() {
            return new IngressRequest(this);
        }
    }
}

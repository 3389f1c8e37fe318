package dev.secureingress.embedded.api;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Kubernetes CEL URL library: {@code url(string)} (an absolute URI or an absolute path, as Go's
 * {@code url.ParseRequestURI} takes them, else {@code URL parse error during conversion from string: parse "...":
 * invalid URI for request}), {@code isURL(string)}, and on a URL {@code getScheme()}, {@code getHost()}
 * ({@code example.com:80}, {@code [::1]:80}), {@code getHostname()} ({@code ::1}), {@code getPort()},
 * {@code getEscapedPath()} and {@code getQuery()} (a map of each key to its values).
 */
final class CelUrls {

    /** A parsed URL: its parts as Go's {@code url.URL} has them (the fragment left out). */
    record Url(String scheme, String host, String path, String rawQuery) {
    }

    static final CelType URL = OpaqueType.create("kubernetes.URL");
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*");
    private static final Pattern OPTIONAL_PORT = Pattern.compile(":[0-9]*");

    private CelUrls() {
    }

    static CelLibrary library() {
        return CelLibrary.builder()
                .global("url", "string_to_url", URL, List.of(SimpleType.STRING), List.of(String.class),
                        args -> parse((String) args[0]))
                .global("isURL", "is_url_string", SimpleType.BOOL, List.of(SimpleType.STRING), List.of(String.class),
                        args -> AddressFormats.isRequestUri((String) args[0]))
                .member("getScheme", "url_get_scheme", SimpleType.STRING, List.of(URL), List.of(Url.class),
                        args -> ((Url) args[0]).scheme())
                .member("getHost", "url_get_host", SimpleType.STRING, List.of(URL), List.of(Url.class),
                        args -> ((Url) args[0]).host())
                .member("getHostname", "url_get_hostname", SimpleType.STRING, List.of(URL), List.of(Url.class),
                        args -> hostAndPort(((Url) args[0]).host())[0])
                .member("getPort", "url_get_port", SimpleType.STRING, List.of(URL), List.of(Url.class),
                        args -> hostAndPort(((Url) args[0]).host())[1])
                .member("getEscapedPath", "url_get_escaped_path", SimpleType.STRING, List.of(URL), List.of(Url.class),
                        args -> ((Url) args[0]).path())
                .member("getQuery", "url_get_query",
                        MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING)), List.of(URL),
                        List.of(Url.class), args -> query(((Url) args[0]).rawQuery()))
                .build();
    }

    static Url parse(String text) {
        if (!AddressFormats.isRequestUri(text)) {
            throw new CelLibrary.FunctionError("URL parse error during conversion from string: parse "
                    + SchemaValidator.goQuoted(text) + ": " + (text.isEmpty() ? "empty url" : "invalid URI for request"));
        }
        String rest = text;
        int fragment = rest.indexOf('#');
        if (fragment >= 0) {
            rest = rest.substring(0, fragment);
        }
        String scheme = "";
        int colon = rest.indexOf(':');
        if (colon > 0 && SCHEME.matcher(rest.substring(0, colon)).matches()) {
            scheme = rest.substring(0, colon).toLowerCase(Locale.ROOT);
            rest = rest.substring(colon + 1);
        }
        String rawQuery = "";
        int query = rest.indexOf('?');
        if (query >= 0) {
            rawQuery = rest.substring(query + 1);
            rest = rest.substring(0, query);
        }
        if (!scheme.isEmpty() && !rest.startsWith("/")) {
            return new Url(scheme, "", "", rawQuery); // opaque, as mailto:someone@example.com
        }
        String host = "";
        if (rest.startsWith("//")) {
            int pathStart = rest.indexOf('/', 2);
            String authority = pathStart < 0 ? rest.substring(2) : rest.substring(2, pathStart);
            host = authority.substring(authority.lastIndexOf('@') + 1);
            rest = pathStart < 0 ? "" : rest.substring(pathStart);
        }
        return new Url(scheme, host, rest, rawQuery);
    }

    /** Host and port as Go's {@code url.URL.Hostname()} and {@code Port()} split them. */
    private static String[] hostAndPort(String host) {
        String port = "";
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && OPTIONAL_PORT.matcher(host.substring(colon)).matches()) {
            port = host.substring(colon + 1);
            host = host.substring(0, colon);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new String[] {host, port};
    }

    /** The query's values by key, as Go's {@code url.ParseQuery} reads them (pairs it cannot read left out). */
    private static Map<String, List<String>> query(String rawQuery) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty() || pair.contains(";")) {
                continue;
            }
            int equals = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException badEscape) {
                // skipped, as Go does
            }
        }
        return values;
    }
}

package dev.secureingress.embedded.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The query parameters of a request path ({@code /api/v1/pods?watch=true&fieldSelector=...}), decoded. */
final class QueryParameters {

    private QueryParameters() {
    }

    /** Every value of parameter {@code name}, in order; empty when the query has none. */
    static List<String> values(String pathWithQuery, String name) {
        int query = pathWithQuery.indexOf('?');
        if (query < 0) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (String parameter : pathWithQuery.substring(query + 1).split("&")) {
            int equals = parameter.indexOf('=');
            String key = equals < 0 ? parameter : parameter.substring(0, equals);
            if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
                values.add(equals < 0 ? "" : URLDecoder.decode(parameter.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    /** The first value of parameter {@code name}, if the query has it. */
    static Optional<String> first(String pathWithQuery, String name) {
        return values(pathWithQuery, name).stream().findFirst();
    }
}

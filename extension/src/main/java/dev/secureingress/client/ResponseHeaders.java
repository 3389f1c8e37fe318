package dev.secureingress.client;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Response headers with case-insensitive names, in the order received. */
final class ResponseHeaders {

    private final Map<String, List<String>> byName;

    ResponseHeaders(List<Map.Entry<String, String>> headers) {
        Map<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, String> header : headers) {
            map.computeIfAbsent(header.getKey(), name -> new ArrayList<>()).add(header.getValue());
        }
        map.replaceAll((name, values) -> List.copyOf(values));
        this.byName = Collections.unmodifiableMap(map);
    }

    Map<String, List<String>> asMap() {
        return byName;
    }

    Optional<String> first(String name) {
        List<String> values = byName.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
}

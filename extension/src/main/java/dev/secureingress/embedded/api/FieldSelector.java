package dev.secureingress.embedded.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A list request's {@code fieldSelector} ({@code involvedObject.name=httpbin-1,involvedObject.kind=Pod},
 * {@code metadata.name!=x}) matched against stored objects: a field is a dotted path into the object, a missing
 * field reads as the empty string. {@code kubectl describe} finds an object's events this way.
 */
final class FieldSelector {

    private record Requirement(String path, String value, boolean equal) {
    }

    private final List<Requirement> requirements;

    private FieldSelector(List<Requirement> requirements) {
        this.requirements = requirements;
    }

    /** The {@code fieldSelector} of a request path's query, if it has one. */
    static Optional<FieldSelector> of(String pathWithQuery) {
        return QueryParameters.first(pathWithQuery, "fieldSelector").filter(selector -> !selector.isBlank())
                .map(FieldSelector::parse);
    }

    /** The path without its {@code fieldSelector} parameter. */
    static String withoutFieldSelector(String pathWithQuery) {
        int query = pathWithQuery.indexOf('?');
        if (query < 0) {
            return pathWithQuery;
        }
        List<String> kept = new ArrayList<>();
        for (String parameter : pathWithQuery.substring(query + 1).split("&")) {
            if (!parameter.startsWith("fieldSelector=")) {
                kept.add(parameter);
            }
        }
        String path = pathWithQuery.substring(0, query);
        return kept.isEmpty() ? path : path + "?" + String.join("&", kept);
    }

    /**
     * @throws IllegalArgumentException naming a requirement that is not {@code field=value},
     *                                  {@code field==value} or {@code field!=value}
     */
    static FieldSelector parse(String selector) {
        List<Requirement> requirements = new ArrayList<>();
        for (String requirement : selector.split(",")) {
            int notEqual = requirement.indexOf("!=");
            int equal = requirement.indexOf('=');
            if (notEqual > 0) {
                requirements.add(new Requirement(requirement.substring(0, notEqual).trim(),
                        requirement.substring(notEqual + 2).trim(), false));
            } else if (equal > 0) {
                String value = requirement.substring(equal + 1);
                requirements.add(new Requirement(requirement.substring(0, equal).trim(),
                        (value.startsWith("=") ? value.substring(1) : value).trim(), true));
            } else {
                throw new IllegalArgumentException("invalid field selector requirement \"" + requirement
                        + "\": expected field=value, field==value or field!=value");
            }
        }
        return new FieldSelector(List.copyOf(requirements));
    }

    boolean matches(Map<?, ?> object) {
        return requirements.stream().allMatch(requirement ->
                valueAt(object, requirement.path()).equals(requirement.value()) == requirement.equal());
    }

    private static String valueAt(Map<?, ?> object, String path) {
        Object value = ObjectFields.at(object, path.split("\\."));
        return value == null ? "" : String.valueOf(value);
    }
}

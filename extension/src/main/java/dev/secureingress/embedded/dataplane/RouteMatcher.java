package dev.secureingress.embedded.dataplane;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One compiled {@link HTTPRouteMatch}: path (Exact, PathPrefix or RegularExpression), method, headers and
 * query parameters, all of which must match. Also carries the properties match precedence is ranked by.
 */
final class RouteMatcher {

    enum PathType { EXACT, PATH_PREFIX, REGULAR_EXPRESSION }

    private final PathType pathType;
    private final String pathValue;
    private final Pattern pathPattern;
    private final String method;
    private final List<ValueMatcher> headers;
    private final List<ValueMatcher> queryParams;

    private RouteMatcher(PathType pathType, String pathValue, String method, List<ValueMatcher> headers,
                         List<ValueMatcher> queryParams) {
        this.pathType = pathType;
        this.pathValue = pathValue;
        this.pathPattern = pathType == PathType.REGULAR_EXPRESSION ? compile(pathValue, "path") : null;
        this.method = method;
        this.headers = headers;
        this.queryParams = queryParams;
    }

    /** The match a rule without matches has: PathPrefix {@code /}. */
    static RouteMatcher matchAll() {
        return new RouteMatcher(PathType.PATH_PREFIX, "/", null, List.of(), List.of());
    }

    /** Compiles a match; absent fields take the spec's defaults (PathPrefix {@code /}, Exact values). */
    static RouteMatcher compile(HTTPRouteMatch match) {
        HTTPPathMatch path = match.getPath();
        String pathTypeName = path == null || path.getType() == null ? "PathPrefix" : path.getType();
        String pathValue = path == null || path.getValue() == null ? "/" : path.getValue();
        PathType pathType = switch (pathTypeName) {
            case "Exact" -> PathType.EXACT;
            case "PathPrefix" -> PathType.PATH_PREFIX;
            case "RegularExpression" -> PathType.REGULAR_EXPRESSION;
            default -> throw new IllegalArgumentException("unsupported path match type '" + pathTypeName
                    + "'; use Exact, PathPrefix or RegularExpression");
        };
        if (pathType == PathType.PATH_PREFIX && pathValue.length() > 1 && pathValue.endsWith("/")) {
            pathValue = pathValue.substring(0, pathValue.length() - 1);
        }
        List<ValueMatcher> headers = match.getHeaders() == null ? List.of() : match.getHeaders().stream()
                .map(RouteMatcher::headerMatcher).toList();
        List<ValueMatcher> params = match.getQueryParams() == null ? List.of() : match.getQueryParams().stream()
                .map(RouteMatcher::queryMatcher).toList();
        return new RouteMatcher(pathType, pathValue, match.getMethod(), headers, params);
    }

    boolean matches(RequestView request) {
        if (!pathMatches(request.path())) {
            return false;
        }
        if (method != null && !method.equals(request.method())) {
            return false;
        }
        for (ValueMatcher header : headers) {
            List<String> values = request.headers().getAll(header.name());
            if (values.isEmpty() || !header.value().test(String.join(",", values))) {
                return false;
            }
        }
        for (ValueMatcher param : queryParams) {
            List<String> values = request.params().get(param.name());
            if (values == null || values.isEmpty() || !param.value().test(values.get(0))) {
                return false;
            }
        }
        return true;
    }

    private boolean pathMatches(String path) {
        return switch (pathType) {
            case EXACT -> path.equals(pathValue);
            case PATH_PREFIX -> pathValue.equals("/") || path.equals(pathValue) || path.startsWith(pathValue + "/");
            case REGULAR_EXPRESSION -> pathPattern.matcher(path).matches();
        };
    }

    PathType pathType() {
        return pathType;
    }

    /** The path value; for PathPrefix without a trailing slash (except {@code /} itself). */
    String pathValue() {
        return pathValue;
    }

    boolean hasMethod() {
        return method != null;
    }

    int headerCount() {
        return headers.size();
    }

    int queryParamCount() {
        return queryParams.size();
    }

    private static ValueMatcher headerMatcher(HTTPHeaderMatch match) {
        String name = Objects.requireNonNull(match.getName(), "header match without name");
        return new ValueMatcher(name, valuePredicate(match.getType(), match.getValue(), "header " + name));
    }

    private static ValueMatcher queryMatcher(HTTPQueryParamMatch match) {
        String name = Objects.requireNonNull(match.getName(), "query parameter match without name");
        return new ValueMatcher(name, valuePredicate(match.getType(), match.getValue(), "query parameter " + name));
    }

    private static Predicate<String> valuePredicate(String type, String expected, String what) {
        String value = expected == null ? "" : expected;
        if (type == null || type.equals("Exact")) {
            return value::equals;
        }
        if (type.equals("RegularExpression")) {
            Pattern pattern = compile(value, what);
            return actual -> pattern.matcher(actual).matches();
        }
        throw new IllegalArgumentException("unsupported match type '" + type + "' for " + what
                + "; use Exact or RegularExpression");
    }

    private static Pattern compile(String regex, String what) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regular expression for " + what + ": " + e.getMessage(), e);
        }
    }

    private record ValueMatcher(String name, Predicate<String> value) {
    }
}

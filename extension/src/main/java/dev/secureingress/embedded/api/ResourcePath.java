package dev.secureingress.embedded.api;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request path of the Kubernetes REST API taken apart:
 * {@code /api/v1/namespaces/default/services/httpbin} or
 * {@code /apis/gateway.networking.k8s.io/v1/namespaces/istio-system/gateways/mygateway/status}.
 *
 * @param group       API group, {@code ""} for the core group
 * @param version     API version
 * @param namespace   namespace, or {@code null} for cluster-scoped paths
 * @param plural      resource (plural), e.g. {@code services}
 * @param name        object name, or {@code null} for a collection
 * @param subresource subresource such as {@code status}, or {@code null}
 */
record ResourcePath(String group, String version, String namespace, String plural, String name, String subresource) {

    private static final Pattern PATH = Pattern.compile(
            "^/(?:api/(?<coreVersion>[^/]+)|apis/(?<group>[^/]+)/(?<version>[^/]+))"
                    + "(?:/namespaces/(?<namespace>[^/]+)(?=/))?"
                    + "/(?<plural>[^/]+)(?:/(?<name>[^/]+))?(?:/(?<subresource>[^/]+))?/?$");

    /** True for the resource {@code plural} of {@code group} ({@code ""}: the core group) itself, not a subresource. */
    boolean is(String group, String plural) {
        return this.group.equals(group) && this.plural.equals(plural) && subresource == null;
    }

    /** {@code path} without its query, if it has one. */
    static String withoutQuery(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    /** Parses a path (a query is ignored); empty when it names no resource. */
    static Optional<ResourcePath> parse(String path) {
        Matcher matcher = PATH.matcher(withoutQuery(path));
        if (!matcher.matches()) {
            return Optional.empty();
        }
        boolean core = matcher.group("coreVersion") != null;
        String plural = matcher.group("plural");
        String name = matcher.group("name");
        String namespace = matcher.group("namespace");
        if (namespace == null && plural.equals("namespaces") && name != null && matcher.group("subresource") == null) {
            // /api/v1/namespaces/foo is the Namespace foo, not a collection in namespace foo
            return Optional.of(new ResourcePath("", matcher.group("coreVersion"), null, plural, name, null));
        }
        return Optional.of(new ResourcePath(
                core ? "" : matcher.group("group"),
                core ? matcher.group("coreVersion") : matcher.group("version"),
                namespace, plural, name, matcher.group("subresource")));
    }

    /** {@code plural.group} as kubectl prints it ({@code deployments.apps}, {@code services}). */
    String qualifiedResource() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    /** {@code group/version}, or just {@code version} for the core group. */
    String groupVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }
}

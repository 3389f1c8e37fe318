package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API server's legacy discovery documents ({@code /api}, {@code /api/v1}, {@code /apis},
 * {@code /apis/<group>/<version>}) that kubectl reads to map kinds, short names and categories to
 * resources. Built-in kinds are listed here; custom resources come from the stored
 * CustomResourceDefinitions, so CRDs applied later are discovered too.
 */
final class ApiDiscovery {

    private static final List<String> ALL_VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
    private static final List<String> SUBRESOURCE_VERBS = List.of("get", "patch", "update");

    private static final Pattern GROUP_VERSION = Pattern.compile("^/apis/(?<group>[^/]+)/(?<version>[^/]+)/?$");
    private static final Pattern GROUP = Pattern.compile("^/apis/(?<group>[^/]+)/?$");

    /** A built-in resource: plural, kind, scope, short names, categories and subresources. */
    private record BuiltIn(String plural, String kind, boolean namespaced, List<String> shortNames,
                           List<String> categories, List<String> subresources, List<String> verbs) {
    }

    private static BuiltIn namespaced(String plural, String kind, String shortNames, String categories, String subresources) {
        return new BuiltIn(plural, kind, true, split(shortNames), split(categories), split(subresources), ALL_VERBS);
    }

    private static BuiltIn clusterScoped(String plural, String kind, String shortNames, String subresources) {
        return new BuiltIn(plural, kind, false, split(shortNames), List.of(), split(subresources), ALL_VERBS);
    }

    /** A review: a cluster-scoped resource that is only created, and answered, never stored. */
    private static BuiltIn review(String plural, String kind) {
        return new BuiltIn(plural, kind, false, List.of(), List.of(), List.of(), List.of("create"));
    }

    private static List<String> split(String list) {
        return list.isEmpty() ? List.of() : Arrays.asList(list.split(","));
    }

    /** Built-in group versions ("" is the core group) and their resources. */
    private static final Map<String, List<BuiltIn>> BUILT_IN = new LinkedHashMap<>();

    static {
        BUILT_IN.put("v1", List.of(
                clusterScoped("namespaces", "Namespace", "ns", "status"),
                clusterScoped("nodes", "Node", "no", "status"),
                namespaced("pods", "Pod", "po", "all", "status,log,exec,attach,portforward"),
                namespaced("services", "Service", "svc", "all", "status"),
                namespaced("endpoints", "Endpoints", "ep", "", ""),
                namespaced("secrets", "Secret", "", "", ""),
                namespaced("configmaps", "ConfigMap", "cm", "", ""),
                namespaced("serviceaccounts", "ServiceAccount", "sa", "", ""),
                namespaced("events", "Event", "ev", "", ""),
                namespaced("persistentvolumeclaims", "PersistentVolumeClaim", "pvc", "", "status")));
        BUILT_IN.put("apps/v1", List.of(
                namespaced("deployments", "Deployment", "deploy", "all", "status,scale"),
                namespaced("replicasets", "ReplicaSet", "rs", "all", "status,scale"),
                namespaced("statefulsets", "StatefulSet", "sts", "all", "status,scale"),
                namespaced("daemonsets", "DaemonSet", "ds", "all", "status")));
        BUILT_IN.put("batch/v1", List.of(
                namespaced("jobs", "Job", "", "all", "status"),
                namespaced("cronjobs", "CronJob", "cj", "all", "status")));
        BUILT_IN.put("discovery.k8s.io/v1", List.of(
                namespaced("endpointslices", "EndpointSlice", "", "", "")));
        BUILT_IN.put("events.k8s.io/v1", List.of(
                namespaced("events", "Event", "ev", "", "")));
        BUILT_IN.put("networking.k8s.io/v1", List.of(
                namespaced("ingresses", "Ingress", "ing", "", "status"),
                namespaced("networkpolicies", "NetworkPolicy", "netpol", "", ""),
                clusterScoped("ingressclasses", "IngressClass", "", "")));
        BUILT_IN.put("rbac.authorization.k8s.io/v1", List.of(
                namespaced("roles", "Role", "", "", ""),
                namespaced("rolebindings", "RoleBinding", "", "", ""),
                clusterScoped("clusterroles", "ClusterRole", "", ""),
                clusterScoped("clusterrolebindings", "ClusterRoleBinding", "", "")));
        BUILT_IN.put(SelfSubjectReviews.GROUP_VERSION, List.of(
                review("selfsubjectreviews", "SelfSubjectReview")));
        BUILT_IN.put("authorization.k8s.io/v1", List.of(
                review("selfsubjectaccessreviews", "SelfSubjectAccessReview"),
                review("selfsubjectrulesreviews", "SelfSubjectRulesReview")));
        BUILT_IN.put("apiextensions.k8s.io/v1", List.of(
                clusterScoped("customresourcedefinitions", "CustomResourceDefinition", "crd,crds", "status")));
    }

    private final Supplier<List<CustomResourceDefinition>> crds;

    /** @param crds reads the CustomResourceDefinitions currently stored */
    ApiDiscovery(Supplier<List<CustomResourceDefinition>> crds) {
        this.crds = crds;
    }

    /** The discovery document for {@code path} (without query), or empty when it is not a discovery path. */
    Optional<String> document(String path) {
        if (path.equals("/api") || path.equals("/api/")) {
            return Optional.of(ApiJson.write(new APIVersionsBuilder().withVersions("v1").build()));
        }
        if (path.equals("/api/v1") || path.equals("/api/v1/")) {
            return Optional.of(resourceList("v1", resources("v1")));
        }
        if (path.equals("/apis") || path.equals("/apis/")) {
            return Optional.of(ApiJson.write(new APIGroupListBuilder().withGroups(groups()).build()));
        }
        Matcher groupVersion = GROUP_VERSION.matcher(path);
        if (groupVersion.matches()) {
            String gv = groupVersion.group("group") + "/" + groupVersion.group("version");
            List<APIResource> resources = resources(gv);
            boolean known = BUILT_IN.containsKey(gv) || !resources.isEmpty();
            return known ? Optional.of(resourceList(gv, resources)) : Optional.empty();
        }
        Matcher group = GROUP.matcher(path);
        if (group.matches()) {
            return groups().stream().filter(g -> g.getName().equals(group.group("group"))).findFirst()
                    .map(ApiJson::write);
        }
        return Optional.empty();
    }

    /** Whether {@code groupVersion} is one of the built-in (not CRD-defined) group versions. */
    static boolean isBuiltIn(String groupVersion) {
        return BUILT_IN.containsKey(groupVersion);
    }

    /** Every served group version: {@code v1} (the core group) first, then {@code <group>/<version>}. */
    List<String> groupVersions() {
        List<String> groupVersions = new ArrayList<>(List.of("v1"));
        for (APIGroup group : groups()) {
            group.getVersions().forEach(version -> groupVersions.add(version.getGroupVersion()));
        }
        return groupVersions;
    }

    /** The resources (and subresources, named {@code plural/sub}) of one group version. */
    List<APIResource> resources(String groupVersion) {
        List<APIResource> resources = new ArrayList<>(builtInResources(groupVersion));
        int slash = groupVersion.indexOf('/');
        if (slash > 0) {
            resources.addAll(customResources(groupVersion.substring(0, slash), groupVersion.substring(slash + 1)));
        }
        return resources;
    }

    private List<APIGroup> groups() {
        Map<String, List<String>> versionsByGroup = new LinkedHashMap<>();
        Map<String, String> preferred = new LinkedHashMap<>();
        BUILT_IN.keySet().stream().filter(gv -> gv.contains("/")).forEach(gv -> {
            String[] parts = gv.split("/");
            versionsByGroup.computeIfAbsent(parts[0], g -> new ArrayList<>()).add(parts[1]);
            preferred.putIfAbsent(parts[0], parts[1]);
        });
        for (CustomResourceDefinition crd : crds.get()) {
            String group = crd.getSpec().getGroup();
            for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
                if (Boolean.TRUE.equals(version.getServed())) {
                    List<String> versions = versionsByGroup.computeIfAbsent(group, g -> new ArrayList<>());
                    if (!versions.contains(version.getName())) {
                        versions.add(version.getName());
                    }
                    if (Boolean.TRUE.equals(version.getStorage())) {
                        preferred.put(group, version.getName());
                    }
                }
            }
        }
        List<APIGroup> groups = new ArrayList<>();
        versionsByGroup.forEach((group, versions) -> {
            String preferredVersion = preferred.getOrDefault(group, versions.get(0));
            List<String> ordered = new ArrayList<>(versions);
            ordered.remove(preferredVersion);
            ordered.add(0, preferredVersion);
            groups.add(new APIGroupBuilder()
                    .withName(group)
                    .withVersions(ordered.stream().map(v -> new GroupVersionForDiscovery(group + "/" + v, v)).toList())
                    .withPreferredVersion(new GroupVersionForDiscovery(group + "/" + preferredVersion, preferredVersion))
                    .build());
        });
        return groups;
    }

    private static List<APIResource> builtInResources(String groupVersion) {
        List<APIResource> resources = new ArrayList<>();
        for (BuiltIn builtIn : BUILT_IN.getOrDefault(groupVersion, List.of())) {
            resources.add(new APIResourceBuilder()
                    .withName(builtIn.plural())
                    .withSingularName(builtIn.kind().toLowerCase(java.util.Locale.ROOT))
                    .withNamespaced(builtIn.namespaced())
                    .withKind(builtIn.kind())
                    .withVerbs(builtIn.verbs())
                    .withShortNames(builtIn.shortNames().isEmpty() ? null : builtIn.shortNames())
                    .withCategories(builtIn.categories().isEmpty() ? null : builtIn.categories())
                    .build());
            for (String subresource : builtIn.subresources()) {
                resources.add(subresource(builtIn.plural(), subresource, builtIn.namespaced(),
                        subresource.equals("scale") ? "Scale" : builtIn.kind()));
            }
        }
        return resources;
    }

    private List<APIResource> customResources(String group, String version) {
        List<APIResource> resources = new ArrayList<>();
        for (CustomResourceDefinition crd : crds.get()) {
            if (!crd.getSpec().getGroup().equals(group)) {
                continue;
            }
            CustomResourceDefinitionNames names = crd.getSpec().getNames();
            boolean namespacedScope = "Namespaced".equals(crd.getSpec().getScope());
            for (CustomResourceDefinitionVersion served : crd.getSpec().getVersions()) {
                if (!served.getName().equals(version) || !Boolean.TRUE.equals(served.getServed())) {
                    continue;
                }
                resources.add(new APIResourceBuilder()
                        .withName(names.getPlural())
                        .withSingularName(names.getSingular())
                        .withNamespaced(namespacedScope)
                        .withKind(names.getKind())
                        .withVerbs(ALL_VERBS)
                        .withShortNames(emptyToNull(names.getShortNames()))
                        .withCategories(emptyToNull(names.getCategories()))
                        .build());
                if (served.getSubresources() != null && served.getSubresources().getStatus() != null) {
                    resources.add(subresource(names.getPlural(), "status", namespacedScope, names.getKind()));
                }
            }
        }
        return resources;
    }

    private static APIResource subresource(String plural, String subresource, boolean namespaced, String kind) {
        return new APIResourceBuilder()
                .withName(plural + "/" + subresource)
                .withSingularName("")
                .withNamespaced(namespaced)
                .withKind(kind)
                .withVerbs(verbsOf(subresource))
                .build();
    }

    private static List<String> verbsOf(String subresource) {
        return switch (subresource) {
            case "log" -> List.of("get");
            case "exec", "attach", "portforward" -> List.of("create", "get");
            default -> SUBRESOURCE_VERBS;
        };
    }

    private static List<String> emptyToNull(List<String> list) {
        return list == null || list.isEmpty() ? null : list;
    }

    private static String resourceList(String groupVersion, List<APIResource> resources) {
        return ApiJson.write(new APIResourceListBuilder()
                .withGroupVersion(groupVersion)
                .withResources(resources)
                .build());
    }
}

package dev.secureingress.embedded.gateway;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantFrom;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantTo;

import java.util.List;
import java.util.Objects;

/**
 * Whether a cross-namespace reference is allowed: a ReferenceGrant in the target's namespace must name
 * the referring kind and namespace in {@code from} and the target kind (and, if given, name) in {@code to}.
 * References within one namespace need no grant.
 */
final class ReferenceGrants {

    static final String GATEWAY_GROUP = "gateway.networking.k8s.io";
    static final String CORE_GROUP = "";

    private final ClusterView cluster;

    ReferenceGrants(ClusterView cluster) {
        this.cluster = cluster;
    }

    /**
     * @param fromGroup     the referring object's API group ({@code gateway.networking.k8s.io})
     * @param fromKind      the referring object's kind ({@code Gateway}, {@code HTTPRoute})
     * @param fromNamespace the referring object's namespace
     * @param toGroup       the target's API group ({@code ""} for core)
     * @param toKind        the target's kind ({@code Secret}, {@code Service})
     * @param toNamespace   the target's namespace
     * @param toName        the target's name
     */
    boolean permits(String fromGroup, String fromKind, String fromNamespace,
                    String toGroup, String toKind, String toNamespace, String toName) {
        if (Objects.equals(fromNamespace, toNamespace)) {
            return true;
        }
        for (ClusterView.Grant grant : cluster.referenceGrants(toNamespace)) {
            boolean fromMatches = listOrEmpty(grant.spec().getFrom()).stream()
                    .anyMatch(from -> matchesFrom(from, fromGroup, fromKind, fromNamespace));
            boolean toMatches = listOrEmpty(grant.spec().getTo()).stream()
                    .anyMatch(to -> matchesTo(to, toGroup, toKind, toName));
            if (fromMatches && toMatches) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesFrom(ReferenceGrantFrom from, String group, String kind, String namespace) {
        return group(from.getGroup()).equals(group) && Objects.equals(from.getKind(), kind)
                && Objects.equals(from.getNamespace(), namespace);
    }

    private static boolean matchesTo(ReferenceGrantTo to, String group, String kind, String name) {
        return group(to.getGroup()).equals(group) && Objects.equals(to.getKind(), kind)
                && (to.getName() == null || to.getName().isEmpty() || to.getName().equals(name));
    }

    private static String group(String group) {
        return group == null ? CORE_GROUP : group;
    }

    private static <T> List<T> listOrEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}

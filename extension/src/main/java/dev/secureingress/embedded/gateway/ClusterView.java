package dev.secureingress.embedded.gateway;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantSpec;
import io.fabric8.kubernetes.client.informers.cache.Store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Read-only lookups over the informers' caches: the cluster state one reconciliation pass works from.
 * Stores may be absent (a resource type the API server does not serve); lookups then find nothing.
 */
final class ClusterView {

    /** A ReferenceGrant of either served version, reduced to what permission checks need. */
    record Grant(String namespace, ReferenceGrantSpec spec) {
    }

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    private final Map<Class<?>, List<Store<? extends HasMetadata>>> stores = new HashMap<>();

    /** Registers the cache of one resource type; several caches per type are read as one (e.g. API versions). */
    <T extends HasMetadata> ClusterView with(Class<T> type, Store<T> store) {
        stores.computeIfAbsent(type, t -> new ArrayList<>()).add(store);
        return this;
    }

    List<GatewayClass> gatewayClasses() {
        return list(GatewayClass.class);
    }

    GatewayClass gatewayClass(String name) {
        return get(GatewayClass.class, null, name);
    }

    List<Gateway> gateways() {
        return list(Gateway.class);
    }

    Gateway gateway(String namespace, String name) {
        return get(Gateway.class, namespace, name);
    }

    List<HTTPRoute> httpRoutes() {
        return list(HTTPRoute.class);
    }

    Secret secret(String namespace, String name) {
        return get(Secret.class, namespace, name);
    }

    /** {@code namespace/name} of every Secret. */
    java.util.Set<String> secretKeys() {
        java.util.Set<String> keys = new java.util.HashSet<>();
        list(Secret.class).forEach(secret -> keys.add(key(secret)));
        return keys;
    }

    ConfigMap configMap(String namespace, String name) {
        return get(ConfigMap.class, namespace, name);
    }

    Service service(String namespace, String name) {
        return get(Service.class, namespace, name);
    }

    Deployment deployment(String namespace, String name) {
        return get(Deployment.class, namespace, name);
    }

    List<Deployment> deployments() {
        return list(Deployment.class);
    }

    Endpoints endpoints(String namespace, String name) {
        return get(Endpoints.class, namespace, name);
    }

    /** The EndpointSlices of a Service (label {@code kubernetes.io/service-name}). */
    List<EndpointSlice> endpointSlices(String namespace, String serviceName) {
        return list(EndpointSlice.class).stream()
                .filter(s -> Objects.equals(namespace, s.getMetadata().getNamespace()))
                .filter(s -> s.getMetadata().getLabels() != null
                        && serviceName.equals(s.getMetadata().getLabels().get(SERVICE_NAME_LABEL)))
                .toList();
    }

    /**
     * A namespace's labels, including {@code kubernetes.io/metadata.name} which Kubernetes sets on every
     * namespace (also when the Namespace object itself is not known here).
     */
    Map<String, String> namespaceLabels(String name) {
        Map<String, String> labels = new HashMap<>();
        Namespace namespace = get(Namespace.class, null, name);
        if (namespace != null && namespace.getMetadata().getLabels() != null) {
            labels.putAll(namespace.getMetadata().getLabels());
        }
        labels.put(NAMESPACE_NAME_LABEL, name);
        return labels;
    }

    /** The ReferenceGrants in a namespace, of every served version. */
    List<Grant> referenceGrants(String namespace) {
        List<Grant> grants = new ArrayList<>();
        for (var grant : list(io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant.class)) {
            if (namespace.equals(grant.getMetadata().getNamespace()) && grant.getSpec() != null) {
                grants.add(new Grant(namespace, grant.getSpec()));
            }
        }
        for (var grant : list(io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant.class)) {
            if (namespace.equals(grant.getMetadata().getNamespace()) && grant.getSpec() != null) {
                grants.add(new Grant(namespace, grant.getSpec()));
            }
        }
        return grants;
    }

    @SuppressWarnings("unchecked")
    private <T extends HasMetadata> List<T> list(Class<T> type) {
        List<T> all = new ArrayList<>();
        for (Store<? extends HasMetadata> store : stores.getOrDefault(type, List.of())) {
            all.addAll((List<T>) store.list());
        }
        return all;
    }

    @SuppressWarnings("unchecked")
    private <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        String key = namespace == null ? name : namespace + "/" + name;
        for (Store<? extends HasMetadata> store : stores.getOrDefault(type, List.of())) {
            T found = (T) store.getByKey(key);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    static String key(HasMetadata resource) {
        String namespace = resource.getMetadata().getNamespace();
        return namespace == null ? resource.getMetadata().getName() : namespace + "/" + resource.getMetadata().getName();
    }
}

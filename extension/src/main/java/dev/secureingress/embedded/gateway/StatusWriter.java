package dev.secureingress.embedded.gateway;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Writes status subresources only when they change. Reconciliation passes read objects from informer
 * caches, which may not yet show the status this writer just wrote; for such an object the status last
 * written counts as its current status, so a pass neither rewrites an identical status nor loses
 * {@code lastTransitionTime}s.
 */
final class StatusWriter {

    private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);

    /** A status written over the cached object of resource version {@code base}. */
    private record Written(String base, Object status) {
    }

    private final KubernetesClient client;
    private final Map<String, Written> written = new HashMap<>();

    StatusWriter(KubernetesClient client) {
        this.client = client;
    }

    /** The object's status as this controller last knows it: the cache's, or the one written over this cached version. */
    <T extends HasMetadata, S> S current(T cached, Function<T, S> status) {
        Written last = written.get(key(cached));
        if (last != null && Objects.equals(last.base(), cached.getMetadata().getResourceVersion())) {
            @SuppressWarnings("unchecked")
            S pending = (S) last.status();
            return pending;
        }
        return status.apply(cached);
    }

    /**
     * Writes {@code desired} as the object's status unless it already is.
     *
     * @param withStatus returns a copy of the cached object carrying the given status
     */
    <T extends HasMetadata, S> void write(T cached, Function<T, S> status, S desired, BiFunction<T, S, T> withStatus) {
        if (Objects.equals(current(cached, status), desired)) {
            return;
        }
        try {
            client.resource(withStatus.apply(cached, desired)).updateStatus();
            written.put(key(cached), new Written(cached.getMetadata().getResourceVersion(), desired));
        } catch (KubernetesClientException e) {
            // a conflict or a deleted object: the informer brings the new state and another pass
            LOG.debug("Status of {} {} not written: {}", cached.getClass().getSimpleName(), ClusterView.key(cached), e.getMessage());
        }
    }

    /** Forgets what was written for objects that are gone. */
    void retainOnly(java.util.Collection<? extends HasMetadata> present) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        present.forEach(resource -> keys.add(key(resource)));
        written.keySet().retainAll(keys);
    }

    private static String key(HasMetadata resource) {
        return resource.getClass().getSimpleName() + ":" + ClusterView.key(resource);
    }
}

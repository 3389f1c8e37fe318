package dev.secureingress.embedded.gateway;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.HttpURLConnection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Writes status subresources only when they change. Reconciliation passes read objects from informer
 * caches, which may not yet show the status this writer just wrote; for such an object the status last
 * written counts as its current status, so a pass neither rewrites an identical status nor loses
 * {@code lastTransitionTime}s. A cached object can also be older than the stored one: the API server refuses
 * a status written over it (409 Conflict), and the status is written again over the latest version
 * ({@link #writeOverLatest}).
 */
final class StatusWriter {

    private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
    /** How many times a status is written, each time over the version the last 409 Conflict said was outdated. */
    static final int WRITE_ATTEMPTS = 5;

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
            T base = writeOverLatest(client, cached, status, desired, withStatus);
            if (base != null) {
                written.put(key(cached), new Written(base.getMetadata().getResourceVersion(), desired));
            }
        } catch (KubernetesClientException e) {
            // a deleted object, or conflicts every time: the informer brings the new state and another pass
            LOG.debug("Status of {} {} not written: {}", cached.getClass().getSimpleName(), ClusterView.key(cached), e.getMessage());
        }
    }

    /**
     * Writes {@code desired} as the status of {@code object}; when the API server answers that {@code object} is
     * outdated (409 Conflict), reads the latest version and writes it over that, {@value #WRITE_ATTEMPTS} times at
     * most, as controllers do.
     *
     * @param withStatus returns a copy of the given object carrying the given status
     * @return the version the status was written over; {@code null} when the latest version already has it, or the
     * object is gone
     * @throws KubernetesClientException for any other error, and the last conflict
     */
    static <T extends HasMetadata, S> T writeOverLatest(KubernetesClient client, T object, Function<T, S> status,
                                                        S desired, BiFunction<T, S, T> withStatus) {
        T base = object;
        for (int attempt = 1; ; attempt++) {
            try {
                client.resource(withStatus.apply(base, desired)).updateStatus();
                return base;
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == WRITE_ATTEMPTS) {
                    throw e;
                }
            }
            base = client.resource(base).get();
            if (base == null || Objects.equals(status.apply(base), desired)) {
                return null;
            }
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

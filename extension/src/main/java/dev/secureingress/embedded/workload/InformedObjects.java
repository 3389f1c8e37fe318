package dev.secureingress.embedded.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The objects of one kind as the workload controller knows them: read from its informer's cache, written
 * through the API server, and the controller's own writes remembered until the informer delivers them — what
 * real controllers keep as "expectations". A reconcile that runs before the informer has seen the ReplicaSet or
 * pod it just created still sees it (so it never creates it twice), an object it just deleted is already gone,
 * and a status it just wrote is the status it compares with (so it does not write it again).
 *
 * <p>Writes carry the resourceVersion of the newest copy known; when somebody else wrote in between (409
 * Conflict), the object is read afresh, the change applied to it and written again (a few times at most). Reads are
 * meant for the controller's single reconcile thread; the informer's events may arrive on any thread.
 *
 * @param <T> the kind
 */
final class InformedObjects<T extends HasMetadata> {

    private static final int REMEMBERED_DELETIONS = 10_000;
    /** How many times a write is sent, each time over the version the last 409 Conflict said was outdated. */
    private static final int WRITE_ATTEMPTS = 5;

    private final KubernetesClient client;
    private final Class<T> type;
    /** Objects as this controller last wrote them, by namespace/name, until the informer delivers that version. */
    private final Map<String, T> ownWrites = new ConcurrentHashMap<>();
    /** Uids this controller deleted, hidden until the informer delivers their deletion. */
    private final Set<String> ownDeletions = ConcurrentHashMap.newKeySet();
    /** Uids whose deletion the informer delivered, so that a write answered late cannot bring them back. */
    private final Set<String> deleted = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_DELETIONS;
        }
    });
    private volatile Indexer<T> cache;

    InformedObjects(KubernetesClient client, Class<T> type) {
        this.client = client;
        this.type = type;
    }

    /**
     * Reads from {@code informer}'s cache from now on and follows its events; call before it starts, and add
     * {@code then}'s handling of each event after the cache has taken it into account.
     */
    SharedIndexInformer<T> readFrom(SharedIndexInformer<T> informer, ResourceEventHandler<T> then) {
        readFrom(informer.getIndexer());
        return informer.addEventHandler(observing(then));
    }

    /**
     * A handler for the informer whose cache this reads from: it takes each event into account here, then hands it
     * to {@code then}.
     */
    ResourceEventHandler<T> observing(ResourceEventHandler<T> then) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                observed(obj);
                then.onAdd(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                observed(newObj);
                then.onUpdate(oldObj, newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                observedDeletion(obj);
                then.onDelete(obj, deletedFinalStateUnknown);
            }
        };
    }

    /** Reads from {@code cache}; the events of the informer that fills it must reach an {@link #observing} handler. */
    InformedObjects<T> readFrom(Indexer<T> cache) {
        this.cache = cache;
        return this;
    }

    /** The JSON serialization of the client these objects are read and written with. */
    KubernetesSerialization serialization() {
        return client.getKubernetesSerialization();
    }

    /** The newest known copy of the object (never to be modified), or null when there is none. */
    T get(String namespace, String name) {
        String key = Cache.namespaceKeyFunc(namespace, name);
        // own writes first: the informer stores an object before it tells us, so nothing falls in between
        T own = visible(ownWrites.get(key));
        T cached = visible(cache.getByKey(key));
        return newest(own, cached);
    }

    /** The newest known copies of all objects of the namespace (never to be modified). */
    List<T> inNamespace(String namespace) {
        List<T> own = ownWrites.values().stream().filter(o -> namespace.equals(o.getMetadata().getNamespace())).toList();
        List<T> cached = cache.byIndex(Cache.NAMESPACE_INDEX, namespace);
        Map<String, T> byName = new LinkedHashMap<>();
        for (T object : cached) {
            if (visible(object) != null) {
                byName.put(object.getMetadata().getName(), object);
            }
        }
        for (T object : own) {
            if (visible(object) != null) {
                byName.put(object.getMetadata().getName(), newest(object, byName.get(object.getMetadata().getName())));
            }
        }
        return new ArrayList<>(byName.values());
    }

    private T visible(T object) {
        return object == null || ownDeletions.contains(uid(object)) ? null : object;
    }

    /** Creates the object and remembers it until the informer has it. */
    T create(T object) {
        return remember(client.resource(object).create());
    }

    /** Writes {@code change} of the newest copy of {@code known}; null when it no longer exists. */
    T update(T known, UnaryOperator<T> change) {
        return write(known, change, false);
    }

    /** Writes the status {@code change} makes to the newest copy of {@code known}; null when it no longer exists. */
    T updateStatus(T known, UnaryOperator<T> change) {
        return write(known, change, true);
    }

    /** Deletes the object (already gone is fine) and hides it from reads until the informer delivers its deletion. */
    void delete(T object) {
        String uid = uid(object);
        if (uid != null && !wasDeleted(uid)) {
            ownDeletions.add(uid);
        }
        try {
            client.resources(type).inNamespace(object.getMetadata().getNamespace())
                    .withName(object.getMetadata().getName()).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                ownDeletions.remove(uid);
                throw e;
            }
        }
    }

    /**
     * Sends {@code change} of the newest known copy; when the API server answers that it is outdated (409 Conflict),
     * reads the latest version and sends {@code change} of that, {@value #WRITE_ATTEMPTS} times at most.
     */
    private T write(T known, UnaryOperator<T> change, boolean status) {
        T newest = Objects.requireNonNullElse(get(known.getMetadata().getNamespace(), known.getMetadata().getName()), known);
        T base = serialization().clone(newest);
        for (int attempt = 1; ; attempt++) {
            try {
                return remember(send(change.apply(base), status));
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == WRITE_ATTEMPTS) {
                    throw e;
                }
            }
            base = client.resources(type).inNamespace(known.getMetadata().getNamespace())
                    .withName(known.getMetadata().getName()).get();
            if (base == null) {
                return null;
            }
        }
    }

    private T send(T object, boolean status) {
        var resource = client.resource(object);
        return status ? resource.updateStatus() : resource.update();
    }

    private T remember(T written) {
        if (written != null && !wasDeleted(uid(written))) {
            String key = Cache.metaNamespaceKeyFunc(written);
            ownWrites.merge(key, written, (old, now) -> newest(now, old));
        }
        return written;
    }

    /** The cache now holds {@code object}: own writes of that version or older are forgotten. */
    void observed(T object) {
        ownWrites.computeIfPresent(Cache.metaNamespaceKeyFunc(object),
                (key, own) -> newest(own, object) == object ? null : own);
    }

    /** The cache no longer holds {@code object}. */
    void observedDeletion(T object) {
        String uid = uid(object);
        synchronized (deleted) {
            deleted.add(uid);
        }
        ownDeletions.remove(uid);
        ownWrites.computeIfPresent(Cache.metaNamespaceKeyFunc(object),
                (key, own) -> Objects.equals(uid(own), uid) ? null : own);
    }

    private boolean wasDeleted(String uid) {
        synchronized (deleted) {
            return deleted.contains(uid);
        }
    }

    /** The newer of two copies: the cache's unless the own write is a later version (or not cached yet). */
    private static <T extends HasMetadata> T newest(T own, T cached) {
        if (own == null) {
            return cached;
        }
        if (cached == null) {
            return own;
        }
        // also when the object was replaced by another of the same name: the one written last exists
        return version(own) > version(cached) ? own : cached;
    }

    /** The resourceVersion as a number (the embedded API server counts up); -1 when it is not one. */
    private static long version(HasMetadata object) {
        try {
            return Long.parseLong(object.getMetadata().getResourceVersion());
        } catch (NumberFormatException | NullPointerException e) {
            return -1;
        }
    }

    private static String uid(HasMetadata object) {
        return object.getMetadata().getUid();
    }
}

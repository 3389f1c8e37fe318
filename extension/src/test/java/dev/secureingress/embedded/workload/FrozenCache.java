package dev.secureingress.embedded.workload;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.Indexer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** An informer cache that changes only when a test says: what a controller sees while its informer lags behind. */
final class FrozenCache<T extends HasMetadata> implements Indexer<T> {

    private final Map<String, T> objects = new ConcurrentHashMap<>();

    FrozenCache<T> put(T object) {
        objects.put(getKey(object), object);
        return this;
    }

    @Override
    public List<T> list() {
        return new ArrayList<>(objects.values());
    }

    @Override
    public List<String> listKeys() {
        return new ArrayList<>(objects.keySet());
    }

    @Override
    public T get(T object) {
        return objects.get(getKey(object));
    }

    @Override
    public T getByKey(String key) {
        return objects.get(key);
    }

    @Override
    public String getKey(T object) {
        return Cache.metaNamespaceKeyFunc(object);
    }

    @Override
    public List<T> byIndex(String indexName, String indexKey) {
        if (!Cache.NAMESPACE_INDEX.equals(indexName)) {
            throw new UnsupportedOperationException("only the namespace index: " + indexName);
        }
        return objects.values().stream().filter(o -> indexKey.equals(o.getMetadata().getNamespace())).toList();
    }

    @Override
    public List<T> index(String indexName, T object) {
        throw new UnsupportedOperationException("index");
    }

    @Override
    public List<String> indexKeys(String indexName, String indexKey) {
        throw new UnsupportedOperationException("indexKeys");
    }

    @Override
    public Map<String, Function<T, List<String>>> getIndexers() {
        throw new UnsupportedOperationException("getIndexers");
    }

    @Override
    public void addIndexers(Map<String, Function<T, List<String>>> indexers) {
        throw new UnsupportedOperationException("addIndexers");
    }

    @Override
    public void removeIndexer(String name) {
        throw new UnsupportedOperationException("removeIndexer");
    }
}

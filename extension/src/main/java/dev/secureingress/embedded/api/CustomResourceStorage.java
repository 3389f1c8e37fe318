package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.http.MockResponse;

import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.secureingress.embedded.api.ApiJson.parseObject;
import static dev.secureingress.embedded.api.ApiJson.text;

/**
 * What a write to a CustomResourceDefinition does to the storage of its custom resources, as on kube-apiserver.
 * A change of its {@code spec} (versions, schemas, {@code served} and {@code storage} flags, names, scope, ...)
 * replaces the resource's storage, which ends every open watch of the resource, whatever version it watches: the
 * client sees its watch close and watches again, and what it reads from then on has the new schema (its defaults
 * among it). A change of the CRD's metadata or status alone keeps the storage and the watches. Deleting a CRD deletes
 * its objects (watchers get their DELETED events), then ends the watches.
 */
final class CustomResourceStorage {

    static final String ENDED_BY_CHANGE = "the CustomResourceDefinition changed: its resource is served anew";
    static final String ENDED_BY_DELETE = "the CustomResourceDefinition was deleted";

    private final WatchedStore store;

    CustomResourceStorage(WatchedStore store) {
        this.store = store;
    }

    /** The CRD at {@code target} (a CRD path with a name) as stored now; {@code null} when there is none. */
    Map<String, Object> stored(ResourcePath target) {
        if (target.name() == null) {
            return null;
        }
        MockResponse response = store.handleGet(ApiRequestDispatcher.CRD_COLLECTION + "/" + target.name());
        return response.code() == HttpURLConnection.HTTP_OK ? parseObject(text(response.getBody())) : null;
    }

    /** Deletes every object of the resource of {@code crd} (as it was stored), each watch hearing of it. */
    private void deleteObjectsOf(Map<String, Object> crd) {
        Object group = ObjectFields.at(crd, "spec", "group");
        Object kind = ObjectFields.at(crd, "spec", "names", "kind");
        Object plural = ObjectFields.at(crd, "spec", "names", "plural");
        if (group == null || kind == null || plural == null) {
            return;
        }
        String ofKind = "\"kind\":\"" + kind + "\"";
        for (String stored : List.copyOf(store.getMap().values())) {
            if (!stored.contains(ofKind)) {
                continue;
            }
            Map<String, Object> object = parseObject(stored);
            if (!kind.equals(object.get("kind")) || !(object.get("apiVersion") instanceof String apiVersion)
                    || !apiVersion.startsWith(group + "/")) {
                continue;
            }
            Object namespace = ObjectFields.at(object, "metadata", "namespace");
            store.handleDelete("/apis/" + apiVersion + (namespace == null ? "" : "/namespaces/" + namespace) + "/"
                    + plural + "/" + ObjectFields.at(object, "metadata", "name"));
        }
    }

    /**
     * After a successful write that turned the CRD {@code before} into {@code after} ({@code null}: deleted): ends
     * the watches of its resource when its spec changed, and when it is gone deletes its objects first.
     */
    void afterWrite(Map<String, Object> before, Map<String, Object> after) {
        if (before == null || (after != null && Objects.equals(before.get("spec"), after.get("spec")))) {
            return;
        }
        if (after == null) {
            deleteObjectsOf(before);
        }
        Object group = ObjectFields.at(before, "spec", "group");
        Object plural = ObjectFields.at(before, "spec", "names", "plural");
        store.endWatches(watched -> watched.group().equals(group) && watched.plural().equals(plural),
                after == null ? ENDED_BY_DELETE : ENDED_BY_CHANGE);
    }
}

package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;

import static dev.secureingress.embedded.api.ApiJson.parseObject;

/**
 * Deletes stored objects ({@code DELETE}); deleting a namespace also deletes every object in it. A deleted
 * {@link RootCaConfigMap} is {@link RootCaPublisher}'s to put back.
 */
final class ObjectDeletion {

    private final WatchedStore store;
    private final ApiDiscovery discovery;

    ObjectDeletion(WatchedStore store, ApiDiscovery discovery) {
        this.store = store;
        this.discovery = discovery;
    }

    /**
     * Deletes as a real cluster does: deleting a namespace also deletes every object in it (there the namespace
     * controller does it), so that a namespace created again under the same name starts empty.
     */
    MockResponse delete(ResourcePath target, RecordedRequest request) {
        MockResponse response = store.dispatch(request);
        if (response.code() != HttpURLConnection.HTTP_OK) {
            return response;
        }
        if (target.is("", "namespaces") && target.name() != null) {
            deleteObjectsIn(target.name());
        }
        return response;
    }

    private void deleteObjectsIn(String namespace) {
        String inNamespace = "\"namespace\":\"" + namespace + "\"";
        for (String stored : List.copyOf(store.getMap().values())) {
            if (!stored.contains(inNamespace)) {
                continue;
            }
            Map<String, Object> object = parseObject(stored);
            if (!namespace.equals(ObjectFields.at(object, "metadata", "namespace"))
                    || !(object.get("apiVersion") instanceof String apiVersion)) {
                continue;
            }
            String base = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
            discovery.resources(apiVersion).stream()
                    .filter(resource -> resource.getKind().equals(object.get("kind"))
                            && !resource.getName().contains("/"))
                    .findFirst()
                    .ifPresent(resource -> store.handleDelete(base + "/namespaces/" + namespace + "/"
                            + resource.getName() + "/" + ObjectFields.at(object, "metadata", "name")));
        }
    }
}

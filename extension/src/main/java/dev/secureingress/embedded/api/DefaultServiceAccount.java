package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.mockwebserver.http.MockResponse;

import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Optional;

/**
 * The ServiceAccount {@code default} that a cluster's service-account controller puts in every namespace, and that
 * pods without {@code serviceAccountName} run as ({@link SpecDefaults#ofPod}). As on a real cluster, a pod whose
 * service account does not exist is refused ({@link #lookUpFor}): a Deployment applied before its ServiceAccount
 * gets no pods until the ServiceAccount is there.
 */
final class DefaultServiceAccount {

    static final String NAME = "default";

    private DefaultServiceAccount() {
    }

    /**
     * The answer a real API server's service-account admission gives to a pod (defaults applied) whose service
     * account does not exist in {@code namespace}: 403, "error looking up service account"; empty if it exists.
     */
    static Optional<MockResponse> lookUpFor(Map<String, Object> pod, String namespace, WatchedStore store) {
        String account = String.valueOf(ObjectFields.at(pod, "spec", "serviceAccountName"));
        MockResponse stored = store.handleGet("/api/v1/namespaces/" + namespace + "/serviceaccounts/" + account);
        if (stored.code() == HttpURLConnection.HTTP_OK) {
            return Optional.empty();
        }
        Object name = ObjectFields.at(pod, "metadata", "name");
        String podName = name != null ? name.toString() : String.valueOf(ObjectFields.at(pod, "metadata", "generateName"));
        return Optional.of(ApiErrors.status(HttpURLConnection.HTTP_FORBIDDEN, "Forbidden", "pods \"" + podName
                + "\" is forbidden: error looking up service account " + namespace + "/" + account
                + ": serviceaccount \"" + account + "\" not found"));
    }

    static ServiceAccount in(String namespace) {
        return new ServiceAccountBuilder().withNewMetadata().withName(NAME).withNamespace(namespace).endMetadata()
                .build();
    }
}

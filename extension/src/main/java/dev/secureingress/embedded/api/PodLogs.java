package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.net.HttpURLConnection;
import java.util.List;

/**
 * The {@code log} subresource of pods ({@code kubectl logs}). The embedded cluster runs in-JVM stand-ins instead
 * of containers, so there are no container logs: a pod's containers are answered with an error that says so, the
 * way a real API server answers for a container that has not started, and an unknown pod or container as it does.
 */
final class PodLogs {

    private PodLogs() {
    }

    static boolean isLog(ResourcePath target) {
        return target.group().isEmpty() && target.plural().equals("pods") && "log".equals(target.subresource());
    }

    static MockResponse answer(ResourcePath target, RecordedRequest request, WatchedStore store) {
        MockResponse stored = store.handleGet("/api/v1/namespaces/" + target.namespace() + "/pods/" + target.name());
        if (stored.code() != HttpURLConnection.HTTP_OK) {
            return ApiErrors.notFound("pods \"" + target.name() + "\" not found");
        }
        Pod pod = ApiJson.read(ApiJson.text(stored.getBody()), Pod.class);
        List<String> containers = pod.getSpec().getContainers().stream().map(Container::getName).toList();
        String container = QueryParameters.first(request.getPath(), "container").orElse(null);
        if (container == null && containers.size() == 1) {
            container = containers.get(0);
        }
        if (container == null) {
            return ApiErrors.badRequest("a container name must be specified for pod " + target.name()
                    + ", choose one of: " + containers);
        }
        if (!containers.contains(container)) {
            return ApiErrors.badRequest("container " + container + " is not valid for pod " + target.name());
        }
        return ApiErrors.badRequest("container \"" + container + "\" in pod \"" + target.name() + "\" has no logs:"
                + " the embedded cluster runs an in-JVM stand-in of its image, not a container");
    }
}

package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.mockwebserver.http.MockResponse;

import java.net.HttpURLConnection;
import java.util.Set;

/**
 * The streaming subresources of pods: {@code exec}, {@code attach} ({@code kubectl exec}, {@code attach},
 * {@code cp}) and {@code portforward} ({@code kubectl port-forward}). A pod of the embedded cluster is an in-JVM
 * stand-in, not a container: there is no process to run a command in or attach to, which the answer says, and no
 * port to forward, because the pod's own address is reachable from this machine, which the answer names.
 */
final class PodStreams {

    private static final Set<String> SUBRESOURCES = Set.of("exec", "attach", "portforward");

    private PodStreams() {
    }

    static boolean isStream(ResourcePath target) {
        return target.group().isEmpty() && target.plural().equals("pods") && target.name() != null
                && target.subresource() != null && SUBRESOURCES.contains(target.subresource());
    }

    static MockResponse answer(ResourcePath target, WatchedStore store) {
        MockResponse stored = store.handleGet("/api/v1/namespaces/" + target.namespace() + "/pods/" + target.name());
        if (stored.code() != HttpURLConnection.HTTP_OK) {
            return ApiErrors.notFound("pods \"" + target.name() + "\" not found");
        }
        Pod pod = ApiJson.read(ApiJson.text(stored.getBody()), Pod.class);
        String standIn = "pod \"" + target.name() + "\" runs an in-JVM stand-in of its image, not a container";
        if (!target.subresource().equals("portforward")) {
            return ApiErrors.badRequest(standIn + ": there is no process to "
                    + (target.subresource().equals("exec") ? "run a command in" : "attach to"));
        }
        String podIp = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        return ApiErrors.badRequest(standIn + ", and nothing needs forwarding: "
                + (podIp == null ? "once it runs, its address (status.podIP)"
                        : "its address " + podIp)
                + " is reachable from this machine; the pod's Endpoints name the ports it serves on");
    }
}

package dev.secureingress.embedded.workload;

import dev.secureingress.embedded.api.EmbeddedApiServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * The events of a pod starting, as {@code kubectl describe pod} shows them on a cluster: the scheduler's
 * {@code Scheduled} (to the one node, {@value EmbeddedApiServer#NODE_NAME}), then per container the kubelet's
 * {@code Pulled}, {@code Created} and {@code Started}, or a {@code Failed} warning saying why the container cannot run
 * (e.g. its image has no stand-in).
 */
final class PodEvents {

    private final EventRecorder events;

    PodEvents(EventRecorder events) {
        this.events = events;
    }

    /** Records the events of {@code pod} having been started as {@code running}. */
    void started(Pod pod, PodRuntime.RunningPod running) {
        if (!scheduled(pod)) {
            events.normal(EventSource.SCHEDULER, pod, null, "Scheduled", "Successfully assigned "
                    + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() + " to " + EmbeddedApiServer.NODE_NAME);
        }
        for (Container container : pod.getSpec().getContainers()) {
            String name = container.getName();
            String fieldPath = "spec.containers{" + name + "}";
            PodRuntime.Problem problem = running.problems().get(name);
            if (problem != null) {
                events.warning(EventSource.KUBELET, pod, fieldPath, "Failed", problem.message());
            } else if (running.containers().containsKey(name)) {
                events.normal(EventSource.KUBELET, pod, fieldPath, "Pulled",
                        "Container image \"" + container.getImage() + "\" already present on machine");
                events.normal(EventSource.KUBELET, pod, fieldPath, "Created", "Created container: " + name);
                events.normal(EventSource.KUBELET, pod, fieldPath, "Started", "Started container " + name);
            }
        }
    }

    /** Whether the pod's published status already says it was scheduled (it was started before, e.g. by an earlier controller). */
    private static boolean scheduled(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
                .anyMatch(c -> "PodScheduled".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}

package dev.secureingress.embedded.workload;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The {@code status} a kubelet would report for a pod the {@link PodRuntime} runs. */
final class PodStatuses {

    static final String HOST_IP = "127.0.0.1";

    private PodStatuses() {
    }

    static PodStatus of(Pod pod, PodRuntime.RunningPod running) {
        String started = running.startedAt().toString();
        List<String> unready = new ArrayList<>(running.problems().keySet());
        boolean ready = unready.isEmpty();
        String notReadyMessage = "containers with unready status: [" + String.join(" ", unready) + "]";
        List<PodCondition> conditions = List.of(
                condition("PodScheduled", true, started, null, null),
                condition("Initialized", true, started, null, null),
                condition("ContainersReady", ready, started, "ContainersNotReady", notReadyMessage),
                condition("Ready", ready, started, "ContainersNotReady", notReadyMessage));
        List<ContainerStatus> containers = new ArrayList<>();
        for (Container container : pod.getSpec().getContainers()) {
            containers.add(containerStatus(pod, container, running, started));
        }
        return new PodStatusBuilder()
                .withPhase(ready ? "Running" : "Pending")
                .withConditions(conditions)
                .withHostIP(HOST_IP)
                .addNewHostIP(HOST_IP)
                .withPodIP(running.podIp())
                .addNewPodIP(running.podIp())
                .withStartTime(started)
                .withContainerStatuses(containers)
                .withQosClass("BestEffort")
                .build();
    }

    private static ContainerStatus containerStatus(Pod pod, Container container, PodRuntime.RunningPod running, String started) {
        PodRuntime.Problem problem = running.problems().get(container.getName());
        ContainerStatusBuilder status = new ContainerStatusBuilder()
                .withName(container.getName())
                .withImage(container.getImage())
                .withRestartCount(0);
        if (problem == null) {
            return status.withReady(true).withStarted(true)
                    .withImageID("embedded://" + container.getImage())
                    .withContainerID("embedded://" + pod.getMetadata().getUid() + "/" + container.getName())
                    .withNewState().withNewRunning(started).endState()
                    .build();
        }
        return status.withReady(false).withStarted(false).withImageID("")
                .withNewState().withNewWaiting().withReason(problem.reason()).withMessage(problem.message()).endWaiting().endState()
                .build();
    }

    private static PodCondition condition(String type, boolean status, String since, String reason, String message) {
        PodConditionBuilder condition = new PodConditionBuilder()
                .withType(type)
                .withStatus(status ? "True" : "False")
                .withLastTransitionTime(since);
        if (!status) {
            condition.withReason(reason).withMessage(message);
        }
        return condition.build();
    }

    /** What matters of a status for deciding whether it must be written again (no timestamps). */
    static String fingerprint(PodStatus status) {
        if (status == null) {
            return "";
        }
        String conditions = status.getConditions() == null ? "" : status.getConditions().stream()
                .map(c -> c.getType() + "=" + c.getStatus()).sorted().collect(Collectors.joining(","));
        String containers = status.getContainerStatuses() == null ? "" : status.getContainerStatuses().stream()
                .map(c -> c.getName() + ":" + c.getReady() + ":" + c.getImage() + ":"
                        + (c.getState() != null && c.getState().getWaiting() != null ? c.getState().getWaiting().getReason() : "running"))
                .collect(Collectors.joining(","));
        return status.getPhase() + "|" + status.getPodIP() + "|" + conditions + "|" + containers;
    }
}

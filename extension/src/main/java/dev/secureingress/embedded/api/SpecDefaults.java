package dev.secureingress.embedded.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The defaults a real API server writes into the specs of Services, Deployments and pods, which {@code kubectl
 * describe} and {@code kubectl get -o yaml} print: a Service's type ({@code ClusterIP}), session affinity
 * ({@code None}), internal traffic policy ({@code Cluster}) and its ports' protocol ({@code TCP}) and target port
 * (the port); a Deployment's rolling update strategy (25% unavailable, 25% surge), revision history limit (10) and
 * progress deadline (600 s); a pod's (also in the templates of Deployments and ReplicaSets) service account
 * ({@code default}), restart policy, DNS policy, scheduler, grace period, and its containers' pull policy
 * ({@code Always} for {@code :latest} or no tag, else {@code IfNotPresent}), termination message path and policy and
 * ports' protocol. Fields a client set are left as they are.
 */
final class SpecDefaults {

    private SpecDefaults() {
    }

    @SuppressWarnings("unchecked")
    static void ofService(Map<String, Object> service) {
        if (!(service.get("spec") instanceof Map<?, ?> specMap)) {
            return;
        }
        Map<String, Object> spec = (Map<String, Object>) specMap;
        spec.putIfAbsent("type", "ClusterIP");
        if ("ExternalName".equals(spec.get("type"))) {
            return;
        }
        spec.putIfAbsent("sessionAffinity", "None");
        spec.putIfAbsent("internalTrafficPolicy", "Cluster");
        if (spec.get("ports") instanceof List<?> ports) {
            for (Object port : ports) {
                if (port instanceof Map<?, ?> portMap) {
                    Map<String, Object> fields = (Map<String, Object>) portMap;
                    fields.putIfAbsent("protocol", "TCP");
                    if (fields.get("port") != null) {
                        fields.putIfAbsent("targetPort", fields.get("port"));
                    }
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    static void ofDeployment(Map<String, Object> deployment) {
        if (!(deployment.get("spec") instanceof Map<?, ?> specMap)) {
            return;
        }
        Map<String, Object> spec = (Map<String, Object>) specMap;
        spec.putIfAbsent("replicas", 1);
        spec.putIfAbsent("revisionHistoryLimit", 10);
        spec.putIfAbsent("progressDeadlineSeconds", 600);
        Map<String, Object> strategy = spec.get("strategy") instanceof Map<?, ?> existing
                ? (Map<String, Object>) existing : new LinkedHashMap<>();
        strategy.putIfAbsent("type", "RollingUpdate");
        if ("RollingUpdate".equals(strategy.get("type"))) {
            Map<String, Object> rollingUpdate = strategy.get("rollingUpdate") instanceof Map<?, ?> existing
                    ? (Map<String, Object>) existing : new LinkedHashMap<>();
            rollingUpdate.putIfAbsent("maxUnavailable", "25%");
            rollingUpdate.putIfAbsent("maxSurge", "25%");
            strategy.put("rollingUpdate", rollingUpdate);
        }
        spec.put("strategy", strategy);
    }

    /** Defaults of a Pod's spec. */
    static void ofPod(Map<String, Object> pod) {
        ofPodSpec(pod.get("spec"));
    }

    /** Defaults of the pod template's spec of a Deployment or ReplicaSet. */
    static void ofPodTemplate(Map<String, Object> workload) {
        ofPodSpec(ObjectFields.at(workload, "spec", "template", "spec"));
    }

    @SuppressWarnings("unchecked")
    private static void ofPodSpec(Object podSpec) {
        if (!(podSpec instanceof Map<?, ?> specMap)) {
            return;
        }
        Map<String, Object> spec = (Map<String, Object>) specMap;
        spec.putIfAbsent("serviceAccountName", spec.getOrDefault("serviceAccount", DefaultServiceAccount.NAME));
        spec.putIfAbsent("serviceAccount", spec.get("serviceAccountName"));
        spec.putIfAbsent("restartPolicy", "Always");
        spec.putIfAbsent("dnsPolicy", "ClusterFirst");
        spec.putIfAbsent("schedulerName", "default-scheduler");
        spec.putIfAbsent("terminationGracePeriodSeconds", 30);
        spec.putIfAbsent("securityContext", new LinkedHashMap<>());
        for (String containers : List.of("initContainers", "containers")) {
            if (spec.get(containers) instanceof List<?> list) {
                list.stream().filter(Map.class::isInstance)
                        .forEach(container -> ofContainer((Map<String, Object>) container));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void ofContainer(Map<String, Object> container) {
        if (container.get("image") instanceof String image) {
            container.putIfAbsent("imagePullPolicy", pullsAlways(image) ? "Always" : "IfNotPresent");
        }
        container.putIfAbsent("terminationMessagePath", "/dev/termination-log");
        container.putIfAbsent("terminationMessagePolicy", "File");
        if (container.get("ports") instanceof List<?> ports) {
            ports.stream().filter(Map.class::isInstance)
                    .forEach(port -> ((Map<String, Object>) port).putIfAbsent("protocol", "TCP"));
        }
    }

    /** An image without a tag, or tagged {@code latest}, and not pinned by digest, is pulled on every start. */
    private static boolean pullsAlways(String image) {
        if (image.contains("@")) {
            return false;
        }
        int lastSlash = image.lastIndexOf('/');
        int tagColon = image.indexOf(':', lastSlash + 1);
        return tagColon < 0 || image.substring(tagColon + 1).equals("latest");
    }
}

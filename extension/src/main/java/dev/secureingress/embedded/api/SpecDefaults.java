package dev.secureingress.embedded.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The defaults a real API server writes into the specs of Services and Deployments, which {@code kubectl describe}
 * prints: a Service's type ({@code ClusterIP}), session affinity ({@code None}), internal traffic policy
 * ({@code Cluster}) and its ports' protocol ({@code TCP}) and target port (the port); a Deployment's rolling update
 * strategy (25% unavailable, 25% surge), revision history limit (10) and progress deadline (600 s). Fields a client
 * set are left as they are.
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
}

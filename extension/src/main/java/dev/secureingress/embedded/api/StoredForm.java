package dev.secureingress.embedded.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a real API server changes in an object before it stores it: namespaces carry their name label, a Secret's
 * {@code stringData} is folded into {@code data} (base64) and never stored as such, Services have their cluster IP
 * ({@link ClusterIps}), and Services, Deployments, ReplicaSets and Pods their {@link SpecDefaults}.
 */
final class StoredForm {

    private final ClusterIps clusterIps;

    StoredForm(ClusterIps clusterIps) {
        this.clusterIps = clusterIps;
    }

    /**
     * Puts {@code object}, about to be stored at {@code target}, in stored form. {@code current} is the stored version
     * an update replaces, or {@code null} for a create.
     */
    void apply(ResourcePath target, Map<String, Object> object, Map<String, Object> current) {
        if (target.is("", "namespaces")) {
            labelNamespace(object);
        } else if (target.is("", "secrets")) {
            foldStringData(object);
        } else if (target.is("", "services")) {
            SpecDefaults.ofService(object);
            clusterIps.assign(object, current);
        } else if (target.is("apps", "deployments")) {
            SpecDefaults.ofDeployment(object);
            SpecDefaults.ofPodTemplate(object);
        } else if (target.is("apps", "replicasets")) {
            SpecDefaults.ofPodTemplate(object);
        } else if (target.is("", "pods")) {
            SpecDefaults.ofPod(object);
        }
    }

    /** Folds a Secret's {@code stringData} into its {@code data}, base64-encoded, and removes it. */
    @SuppressWarnings("unchecked")
    static void foldStringData(Map<String, Object> secret) {
        if (!(secret.remove("stringData") instanceof Map<?, ?> stringData) || stringData.isEmpty()) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if (secret.get("data") instanceof Map<?, ?> existing) {
            data.putAll((Map<String, Object>) existing);
        }
        stringData.forEach((key, value) -> data.put(String.valueOf(key),
                Base64.getEncoder().encodeToString(String.valueOf(value).getBytes(StandardCharsets.UTF_8))));
        secret.put("data", data);
    }

    @SuppressWarnings("unchecked")
    private static void labelNamespace(Map<String, Object> namespace) {
        if (!(namespace.get("metadata") instanceof Map<?, ?> metadata) || metadata.get("name") == null) {
            return;
        }
        Map<String, Object> labels = new LinkedHashMap<>();
        if (metadata.get("labels") instanceof Map<?, ?> existing) {
            labels.putAll((Map<String, Object>) existing);
        }
        labels.put(ApiRequestDispatcher.NAMESPACE_NAME_LABEL, metadata.get("name"));
        ((Map<String, Object>) metadata).put("labels", labels);
    }
}

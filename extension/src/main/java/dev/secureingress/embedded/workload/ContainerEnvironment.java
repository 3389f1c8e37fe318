package dev.secureingress.embedded.workload;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment a container would see: {@code HOSTNAME} (the pod name, as the kubelet sets it), literal
 * {@code env} values and downward-API {@code fieldRef}s ({@code metadata.name}, {@code metadata.namespace},
 * {@code metadata.uid}, {@code metadata.labels['k']}, {@code metadata.annotations['k']}, {@code spec.nodeName},
 * {@code spec.serviceAccountName}, {@code status.podIP}, {@code status.hostIP}). Values from Secrets,
 * ConfigMaps and resource fields are not resolved and stay unset.
 */
final class ContainerEnvironment {

    private static final Pattern MAP_FIELD = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)']");

    private ContainerEnvironment() {
    }

    static Map<String, String> of(Pod pod, Container container, String podIp, String hostIp) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOSTNAME", pod.getMetadata().getName());
        if (container.getEnv() == null) {
            return env;
        }
        for (EnvVar var : container.getEnv()) {
            if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
            } else if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
                String value = field(pod, var.getValueFrom().getFieldRef(), podIp, hostIp);
                if (value != null) {
                    env.put(var.getName(), value);
                }
            }
        }
        return env;
    }

    private static String field(Pod pod, ObjectFieldSelector selector, String podIp, String hostIp) {
        String path = selector.getFieldPath();
        Matcher map = MAP_FIELD.matcher(path);
        if (map.matches()) {
            Map<String, String> values = map.group(1).equals("labels")
                    ? pod.getMetadata().getLabels() : pod.getMetadata().getAnnotations();
            return values == null ? null : values.get(map.group(2));
        }
        return switch (path) {
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "metadata.uid" -> pod.getMetadata().getUid();
            case "spec.nodeName" -> pod.getSpec().getNodeName();
            case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
            case "status.podIP" -> podIp;
            case "status.hostIP" -> hostIp;
            default -> null;
        };
    }
}

package dev.secureingress.cluster.k3s;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the logs of the pods that explain gateway behaviour on a real cluster: the gateway pods Istio
 * deployed in a namespace (label {@code gateway.networking.k8s.io/gateway-name}) and istiod.
 */
public final class GatewayDiagnostics {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayDiagnostics.class);
    /** Label Istio puts on the pods of the gateways it deploys. */
    public static final String GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

    private GatewayDiagnostics() {
    }

    /**
     * Writes {@code <pod>.<container>.log} for each gateway pod in {@code namespace} and for istiod's
     * pods in {@code istioNamespace} into {@code directory}.
     *
     * @return the files written
     */
    public static List<Path> writePodLogs(KubernetesClient client, String namespace, String istioNamespace, Path directory) {
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            LOG.warn("Could not create diagnostics directory {}: {}", directory, e.toString());
            return written;
        }
        List<Pod> pods = new ArrayList<>(client.pods().inNamespace(namespace).withLabel(GATEWAY_NAME_LABEL).list().getItems());
        pods.addAll(client.pods().inNamespace(istioNamespace).withLabel("app", "istiod").list().getItems());
        for (Pod pod : pods) {
            for (Container container : pod.getSpec().getContainers()) {
                Path file = directory.resolve(pod.getMetadata().getName() + "." + container.getName() + ".log");
                try {
                    String log = client.pods().inNamespace(pod.getMetadata().getNamespace())
                            .withName(pod.getMetadata().getName())
                            .inContainer(container.getName())
                            .getLog();
                    Files.writeString(file, log == null ? "" : log);
                    written.add(file);
                } catch (RuntimeException | IOException e) {
                    LOG.warn("Could not write the log of pod {}/{} container {}: {}", pod.getMetadata().getNamespace(),
                            pod.getMetadata().getName(), container.getName(), e.toString());
                }
            }
        }
        return written;
    }
}

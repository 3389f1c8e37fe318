package dev.secureingress.cluster.k3s;

import dev.secureingress.cluster.ConditionReport;
import dev.secureingress.cluster.FixtureDeployer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The waits a real cluster needs before tests can use it, each a bounded {@link InstallStep.Await}
 * whose timeout message shows the conditions last seen.
 */
public final class ReadinessChecks {

    private ReadinessChecks() {
    }

    /** Every node reports {@code Ready=True} (and there is at least one). */
    public static InstallStep.Await nodesReady(Duration timeout) {
        return InstallStep.await("every node to be Ready", timeout,
                client -> client.nodes().list().getItems(),
                nodes -> !nodes.isEmpty() && nodes.stream().allMatch(ConditionReport.hasCondition("Ready", "True")),
                nodes -> nodes.isEmpty() ? "no nodes registered yet"
                        : nodes.stream().map(ConditionReport::of).collect(Collectors.joining("; ")));
    }

    /** The named CRDs exist and are {@code Established}. */
    public static InstallStep.Await crdsEstablished(List<String> crdNames, Duration timeout) {
        List<String> names = List.copyOf(crdNames);
        return InstallStep.await("CRDs " + String.join(", ", names) + " to be Established", timeout,
                client -> names.stream()
                        .map(name -> client.apiextensions().v1().customResourceDefinitions().withName(name).get())
                        .toList(),
                crds -> crds.stream().allMatch(crd -> crd != null
                        && ConditionReport.<CustomResourceDefinition>hasCondition("Established", "True").test(crd)),
                crds -> {
                    StringBuilder seen = new StringBuilder();
                    for (int i = 0; i < names.size(); i++) {
                        CustomResourceDefinition crd = crds.get(i);
                        seen.append(i == 0 ? "" : "; ").append(crd == null ? "CRD " + names.get(i) + " not found" : ConditionReport.of(crd));
                    }
                    return seen.toString();
                });
    }

    /**
     * k3s' Helm controller finished installing a HelmChart: its Job {@code helm-install-<chart>} in
     * kube-system succeeded.
     */
    public static InstallStep.Await helmChartInstalled(String chartName, Duration timeout) {
        String jobName = "helm-install-" + chartName;
        return InstallStep.await("Job " + IstioInstallation.HELM_NAMESPACE + "/" + jobName
                        + " (HelmChart " + chartName + ") to succeed", timeout,
                client -> client.batch().v1().jobs().inNamespace(IstioInstallation.HELM_NAMESPACE).withName(jobName).get(),
                job -> job.getStatus() != null && job.getStatus().getSucceeded() != null && job.getStatus().getSucceeded() > 0,
                job -> describeJob(job) + " (see: kubectl -n " + IstioInstallation.HELM_NAMESPACE + " logs job/" + jobName + ")");
    }

    /** A Deployment reports {@code Available=True} for its current generation; the timeout shows its pods' state. */
    public static InstallStep.Await deploymentAvailable(String namespace, String name, Duration timeout) {
        return InstallStep.await("Deployment " + namespace + "/" + name + " to be Available", timeout,
                client -> new FixtureDeployer(client).timeout(timeout).awaitAvailable(namespace, name));
    }

    /** A GatewayClass reports {@code Accepted=True}. */
    public static InstallStep.Await gatewayClassAccepted(String name, Duration timeout) {
        return InstallStep.await("GatewayClass " + name + " to be Accepted", timeout,
                client -> client.resources(GatewayClass.class).withName(name).get(),
                ConditionReport.hasCondition("Accepted", "True"),
                ConditionReport::of);
    }

    private static String describeJob(Job job) {
        var status = job.getStatus();
        String counts = status == null ? "no status yet"
                : "active " + Objects.requireNonNullElse(status.getActive(), 0)
                + ", succeeded " + Objects.requireNonNullElse(status.getSucceeded(), 0)
                + ", failed " + Objects.requireNonNullElse(status.getFailed(), 0);
        return ConditionReport.of(job) + ", " + counts;
    }
}

package dev.secureingress.cluster.k3s;

import dev.secureingress.ingress.IngressApplier;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What it takes to turn a bare k3s node into a cluster with the Gateway API and Istio, as an ordered
 * list of {@link InstallStep}s: node Ready; Gateway API CRDs applied and Established; HelmChart
 * {@code istio-base} applied and installed; the {@code istio} GatewayClass defaults and HelmChart
 * {@code istiod} applied; istiod Available; GatewayClass {@code istio} Accepted.
 *
 * <p>The plan knows nothing about Docker: {@link K3sCluster} runs it against the container's API server,
 * and tests run it against an in-JVM one.
 */
public final class K3sInstallPlan {

    /** The CRDs the tests use; the plan waits until each is Established. */
    public static final List<String> GATEWAY_API_CRDS = List.of(
            "gatewayclasses.gateway.networking.k8s.io",
            "gateways.gateway.networking.k8s.io",
            "httproutes.gateway.networking.k8s.io",
            "referencegrants.gateway.networking.k8s.io");

    private final List<InstallStep> steps;

    private K3sInstallPlan(List<InstallStep> steps) {
        this.steps = List.copyOf(steps);
    }

    /**
     * The plan for the given Istio installation; reads the CRD manifests now, so a missing file or an
     * unreachable release URL fails here, before anything is applied.
     *
     * @param timeout how long each wait may take (image pulls included)
     */
    public static K3sInstallPlan create(IstioInstallation istio, GatewayApiCrdSource crds, Duration timeout) {
        Objects.requireNonNull(istio, "istio");
        Objects.requireNonNull(crds, "crds");
        Objects.requireNonNull(timeout, "timeout");
        String gatewayApi = istio.versions().gatewayApi();
        Namespace istioNamespace = new NamespaceBuilder().withNewMetadata().withName(istio.istioNamespace())
                .addToLabels(IngressApplier.MANAGED_BY_LABEL, IngressApplier.MANAGED_BY_VALUE).endMetadata().build();

        List<InstallStep> steps = new ArrayList<>();
        steps.add(ReadinessChecks.nodesReady(timeout));
        steps.add(InstallStep.apply("Gateway API " + gatewayApi + " CRDs from " + crds.location(), crds.load()));
        steps.add(ReadinessChecks.crdsEstablished(GATEWAY_API_CRDS, timeout));
        steps.add(InstallStep.apply("namespace " + istio.istioNamespace() + " and HelmChart "
                        + IstioInstallation.BASE_CHART_NAME + " (Istio " + istio.versions().istio() + ")",
                List.of(istioNamespace, istio.baseChart())));
        steps.add(ReadinessChecks.helmChartInstalled(IstioInstallation.BASE_CHART_NAME, timeout));
        steps.add(InstallStep.apply("GatewayClass istio defaults (gateway Service type "
                        + istio.gatewayServiceType() + ") and HelmChart " + IstioInstallation.ISTIOD_CHART_NAME,
                List.of(istio.gatewayClassDefaults(), istio.istiodChart())));
        steps.add(ReadinessChecks.deploymentAvailable(istio.istioNamespace(), "istiod", timeout));
        steps.add(ReadinessChecks.gatewayClassAccepted("istio", timeout));
        return new K3sInstallPlan(steps);
    }

    /** The steps in the order they run. */
    public List<InstallStep> steps() {
        return steps;
    }

    /** Every resource the plan applies, in order. */
    public List<HasMetadata> appliedResources() {
        return steps.stream()
                .filter(InstallStep.Apply.class::isInstance)
                .flatMap(step -> ((InstallStep.Apply) step).resources().stream())
                .toList();
    }

    /**
     * Runs every step in order, reporting each with its duration, e.g.
     * {@code [4/8] applied namespace istio-system and HelmChart istio-base (Istio 1.27.0) in 0.2 s}.
     *
     * @return the steps with the time each took
     * @throws dev.secureingress.cluster.WaitTimeoutException from the first wait that runs out
     */
    public List<StepTiming> execute(KubernetesClient client, Consumer<String> progress) {
        List<StepTiming> timings = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            InstallStep step = steps.get(i);
            String prefix = "[" + (i + 1) + "/" + steps.size() + "] ";
            long start = System.nanoTime();
            step.run(client);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            timings.add(new StepTiming(step.description(), took));
            String verb = step instanceof InstallStep.Apply ? "applied " : "done waiting for ";
            progress.accept(prefix + verb + step.description() + " in " + seconds(took));
        }
        return timings;
    }

    static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    /** How long one step took. */
    public record StepTiming(String description, Duration duration) {
    }
}

package dev.secureingress.cluster.k3s;

import dev.secureingress.ingress.IngressApplier;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The resources that install Istio on k3s: two k3s {@code HelmChart}s ({@code base}, then
 * {@code istiod}, from Istio's Helm repository or from chart archives for offline runs) with small
 * resource requests, and the {@code istio} GatewayClass defaults.
 *
 * <p>The GatewayClass defaults make the {@code <gateway>-istio} Services {@code ClusterIP} by default:
 * k3s' ServiceLB binds each LoadBalancer port once per node, so a second Gateway on port 443 (or any two
 * Gateways, through their shared status port 15021) would wait for an address forever. The test JVM
 * reaches gateways through NodePorts instead (see {@link GatewayNodePorts}).
 */
public final class IstioInstallation {

    /** Istio's Helm chart repository. */
    public static final String ISTIO_HELM_REPO = "https://istio-release.storage.googleapis.com/charts";
    /** Where k3s' Helm controller looks for {@code HelmChart} resources. */
    public static final String HELM_NAMESPACE = "kube-system";
    /** k3s' HelmChart custom resource. */
    public static final ResourceDefinitionContext HELM_CHART = new ResourceDefinitionContext.Builder()
            .withGroup("helm.cattle.io").withVersion("v1").withKind("HelmChart").withPlural("helmcharts")
            .withNamespaced(true).build();
    /** Name of the base chart's HelmChart resource (k3s runs it as Job {@code helm-install-istio-base}). */
    public static final String BASE_CHART_NAME = "istio-base";
    /** Name of the istiod chart's HelmChart resource. */
    public static final String ISTIOD_CHART_NAME = "istiod";
    /** Label Istio reads to find a GatewayClass' defaults ConfigMap in its root namespace. */
    public static final String CLASS_DEFAULTS_LABEL = "gateway.istio.io/defaults-for-class";

    private final IstioVersions versions;
    private final String istioNamespace;
    private final ResourceRequests istiodRequests;
    private final ResourceRequests proxyRequests;
    private final String gatewayServiceType;
    private final Path chartDirectory;

    private IstioInstallation(Builder builder) {
        this.versions = builder.versions;
        this.istioNamespace = builder.istioNamespace;
        this.istiodRequests = builder.istiodRequests;
        this.proxyRequests = builder.proxyRequests;
        this.gatewayServiceType = builder.gatewayServiceType;
        this.chartDirectory = builder.chartDirectory;
    }

    public static Builder builder() {
        return new Builder();
    }

    public IstioVersions versions() {
        return versions;
    }

    /** The namespace istiod is installed into; {@code istio-system} unless set. */
    public String istioNamespace() {
        return istioNamespace;
    }

    /** The Service type of the gateways Istio deploys ({@code ClusterIP} unless set). */
    public String gatewayServiceType() {
        return gatewayServiceType;
    }

    /** HelmChart {@code kube-system/istio-base}: Istio's CRDs and cluster roles. */
    public GenericKubernetesResource baseChart() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("defaultRevision", "default");
        return helmChart(BASE_CHART_NAME, "base", values);
    }

    /** HelmChart {@code kube-system/istiod}: the control plane, one replica, small requests. */
    public GenericKubernetesResource istiodChart() {
        Map<String, Object> pilot = new LinkedHashMap<>();
        pilot.put("autoscaleEnabled", false);
        pilot.put("replicaCount", 1);
        pilot.put("resources", Map.of("requests", istiodRequests.asMap()));
        Map<String, Object> global = new LinkedHashMap<>();
        global.put("proxy", Map.of("resources", Map.of("requests", proxyRequests.asMap())));
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("pilot", pilot);
        values.put("global", global);
        return helmChart(ISTIOD_CHART_NAME, "istiod", values);
    }

    /** The {@code istio} GatewayClass defaults: the type of the Services Istio creates for Gateways. */
    public ConfigMap gatewayClassDefaults() {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName("istio-gateway-class-defaults")
                .withNamespace(istioNamespace)
                .addToLabels(CLASS_DEFAULTS_LABEL, "istio")
                .addToLabels(IngressApplier.MANAGED_BY_LABEL, IngressApplier.MANAGED_BY_VALUE)
                .endMetadata()
                .addToData("service", Serialization.asYaml(Map.of("spec", Map.of("type", gatewayServiceType))))
                .build();
    }

    private GenericKubernetesResource helmChart(String name, String chart, Map<String, Object> values) {
        Map<String, Object> spec = new LinkedHashMap<>();
        Path archive = chartDirectory == null ? null : chartDirectory.resolve(chart + "-" + versions.istio() + ".tgz");
        if (archive != null) {
            spec.put("chartContent", readArchive(archive, chart));
        } else {
            spec.put("repo", ISTIO_HELM_REPO);
            spec.put("chart", chart);
            spec.put("version", versions.istio());
        }
        spec.put("targetNamespace", istioNamespace);
        spec.put("createNamespace", true);
        spec.put("valuesContent", Serialization.asYaml(values));
        return new GenericKubernetesResourceBuilder()
                .withApiVersion("helm.cattle.io/v1")
                .withKind("HelmChart")
                .withNewMetadata()
                .withName(name)
                .withNamespace(HELM_NAMESPACE)
                .addToLabels(IngressApplier.MANAGED_BY_LABEL, IngressApplier.MANAGED_BY_VALUE)
                .endMetadata()
                .withAdditionalProperties(Map.of("spec", spec))
                .build();
    }

    private static String readArchive(Path archive, String chart) {
        if (!Files.isRegularFile(archive)) {
            throw new IllegalArgumentException("Istio chart archive " + archive.toAbsolutePath() + " does not exist. "
                    + "The chart directory must hold " + archive.getFileName() + " (helm pull istio/" + chart
                    + " --version <istio version> --repo " + ISTIO_HELM_REPO + ")");
        }
        try {
            return Base64.getEncoder().encodeToString(Files.readAllBytes(archive));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read Istio chart archive " + archive, e);
        }
    }

    /** CPU and memory requests of one container, in Kubernetes quantities ({@code 100m}, {@code 256Mi}). */
    public record ResourceRequests(String cpu, String memory) {
        public ResourceRequests {
            Objects.requireNonNull(cpu, "cpu");
            Objects.requireNonNull(memory, "memory");
        }

        Map<String, Object> asMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("cpu", cpu);
            map.put("memory", memory);
            return map;
        }
    }

    /** Fluent configuration; every setting has a default suited to a one-node test cluster. */
    public static final class Builder {
        private IstioVersions versions = IstioVersions.defaults();
        private String istioNamespace = "istio-system";
        private ResourceRequests istiodRequests = new ResourceRequests("100m", "256Mi");
        private ResourceRequests proxyRequests = new ResourceRequests("10m", "64Mi");
        private String gatewayServiceType = "ClusterIP";
        private Path chartDirectory;

        private Builder() {
        }

        /** Istio and Gateway API releases, checked together; {@link IstioVersions#defaults()} unless set. */
        public Builder versions(IstioVersions versions) {
            this.versions = Objects.requireNonNull(versions, "versions");
            return this;
        }

        public Builder istioNamespace(String namespace) {
            this.istioNamespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        /** istiod's requests; 100m CPU and 256Mi unless set (the chart asks for 500m and 2Gi). */
        public Builder istiodRequests(String cpu, String memory) {
            this.istiodRequests = new ResourceRequests(cpu, memory);
            return this;
        }

        /** Requests of each gateway proxy; 10m CPU and 64Mi unless set. */
        public Builder proxyRequests(String cpu, String memory) {
            this.proxyRequests = new ResourceRequests(cpu, memory);
            return this;
        }

        /** Service type of the gateways Istio deploys: ClusterIP (default), NodePort or LoadBalancer. */
        public Builder gatewayServiceType(String type) {
            if (!type.equals("ClusterIP") && !type.equals("NodePort") && !type.equals("LoadBalancer")) {
                throw new IllegalArgumentException("gateway Service type '" + type
                        + "' is not one of ClusterIP, NodePort, LoadBalancer");
            }
            this.gatewayServiceType = type;
            return this;
        }

        /**
         * Installs the charts from archives instead of the Helm repository: the directory must hold
         * {@code base-<istio>.tgz} and {@code istiod-<istio>.tgz} as {@code helm pull} writes them.
         */
        public Builder chartDirectory(Path directory) {
            this.chartDirectory = directory;
            return this;
        }

        public IstioInstallation build() {
            return new IstioInstallation(this);
        }
    }
}

package dev.secureingress.cluster.k3s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IstioInstallationTest {

    @Test
    void baseChartComesFromIstiosRepositoryAtTheIstioVersion() {
        GenericKubernetesResource base = IstioInstallation.builder()
                .versions(IstioVersions.forIstio("1.26.2")).build().baseChart();

        assertThat(base.getApiVersion()).isEqualTo("helm.cattle.io/v1");
        assertThat(base.getKind()).isEqualTo("HelmChart");
        assertThat(base.getMetadata().getNamespace()).isEqualTo("kube-system");
        assertThat(base.getMetadata().getName()).isEqualTo("istio-base");
        assertThat(base.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "secure-ingress");
        Map<String, Object> spec = spec(base);
        assertThat(spec).containsEntry("repo", "https://istio-release.storage.googleapis.com/charts")
                .containsEntry("chart", "base")
                .containsEntry("version", "1.26.2")
                .containsEntry("targetNamespace", "istio-system")
                .containsEntry("createNamespace", true)
                .doesNotContainKey("chartContent");
    }

    @Test
    void istiodChartAsksForSmallRequestsAndOneReplica() {
        GenericKubernetesResource istiod = IstioInstallation.builder().build().istiodChart();

        Map<String, Object> spec = spec(istiod);
        assertThat(spec).containsEntry("chart", "istiod").containsEntry("version", "1.27.0");
        Map<String, Object> values = values(istiod);
        assertThat(path(values, "pilot", "autoscaleEnabled")).isEqualTo(false);
        assertThat(path(values, "pilot", "replicaCount")).isEqualTo(1);
        assertThat(path(values, "pilot", "resources", "requests", "cpu")).isEqualTo("100m");
        assertThat(path(values, "pilot", "resources", "requests", "memory")).isEqualTo("256Mi");
        assertThat(path(values, "global", "proxy", "resources", "requests", "cpu")).isEqualTo("10m");
        assertThat(path(values, "global", "proxy", "resources", "requests", "memory")).isEqualTo("64Mi");
    }

    @Test
    void requestsAndNamespaceAreConfigurable() {
        IstioInstallation istio = IstioInstallation.builder()
                .istioNamespace("mesh")
                .istiodRequests("250m", "512Mi")
                .proxyRequests("20m", "96Mi")
                .build();
        Map<String, Object> values = values(istio.istiodChart());
        assertThat(path(values, "pilot", "resources", "requests", "cpu")).isEqualTo("250m");
        assertThat(path(values, "global", "proxy", "resources", "requests", "memory")).isEqualTo("96Mi");
        assertThat(spec(istio.istiodChart())).containsEntry("targetNamespace", "mesh");
        assertThat(istio.gatewayClassDefaults().getMetadata().getNamespace()).isEqualTo("mesh");
    }

    @Test
    void chartArchivesReplaceTheRepositoryForOfflineRuns(@TempDir Path charts) throws Exception {
        byte[] archive = {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3};
        Files.write(charts.resolve("base-1.27.0.tgz"), archive);

        GenericKubernetesResource base = IstioInstallation.builder().chartDirectory(charts).build().baseChart();

        assertThat(spec(base)).doesNotContainKeys("repo", "chart", "version")
                .containsEntry("chartContent", Base64.getEncoder().encodeToString(archive));
        assertThatThrownBy(() -> IstioInstallation.builder().chartDirectory(charts).build().istiodChart())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("istiod-1.27.0.tgz does not exist")
                .hasMessageContaining("helm pull istio/istiod");
    }

    @Test
    void gatewayClassDefaultsSetTheGatewayServiceType() {
        ConfigMap defaults = IstioInstallation.builder().build().gatewayClassDefaults();
        assertThat(defaults.getMetadata().getNamespace()).isEqualTo("istio-system");
        assertThat(defaults.getMetadata().getLabels()).containsEntry("gateway.istio.io/defaults-for-class", "istio");
        Map<String, Object> service = Serialization.unmarshal(defaults.getData().get("service"), Map.class);
        assertThat(path(service, "spec", "type")).isEqualTo("ClusterIP");

        ConfigMap nodePort = IstioInstallation.builder().gatewayServiceType("NodePort").build().gatewayClassDefaults();
        assertThat(nodePort.getData().get("service")).contains("NodePort");
        assertThatThrownBy(() -> IstioInstallation.builder().gatewayServiceType("ExternalName"))
                .hasMessageContaining("'ExternalName' is not one of ClusterIP, NodePort, LoadBalancer");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> spec(GenericKubernetesResource chart) {
        return (Map<String, Object>) chart.getAdditionalProperties().get("spec");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> values(GenericKubernetesResource chart) {
        return Serialization.unmarshal((String) spec(chart).get("valuesContent"), Map.class);
    }

    @SuppressWarnings("unchecked")
    static Object path(Map<String, Object> map, String... keys) {
        Object current = map;
        for (String key : keys) {
            assertThat(current).as("at " + key).isInstanceOf(Map.class);
            current = ((Map<String, Object>) current).get(key);
        }
        return current;
    }
}

package dev.secureingress.cluster.k3s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Configuration of the k3s backend and its behaviour without Docker; the live boot is in K3sClusterLiveTest. */
class K3sClusterTest {

    @Test
    void defaultsPinK3sIstioAndTheGatewayApiRelease() {
        K3sCluster.Settings settings = K3sCluster.builder().settings();
        assertThat(settings.image()).isEqualTo("rancher/k3s:v1.33.4-k3s1");
        assertThat(settings.istio().versions()).isEqualTo(IstioVersions.of("1.27.0", "v1.3.0"));
        assertThat(settings.crds().location())
                .isEqualTo("https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/standard-install.yaml");
        assertThat(settings.reuse()).isFalse();
        assertThat(settings.nodePorts()).hasSize(16).startsWith(30080, 30081);
        assertThat(settings.timeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.istio().gatewayServiceType()).isEqualTo("ClusterIP");
    }

    @Test
    void readsItsSettingsFromConfigurationParameters(@TempDir Path images) {
        Map<String, String> parameters = Map.of(
                "secure-ingress.k3s.image", "mirror.example.com/rancher/k3s:v1.32.8-k3s1",
                "secure-ingress.k3s.istio-version", "1.25.3",
                "secure-ingress.k3s.gateway-api-crds", "classpath:" + GatewayApiCrdSourceTest.TEST_CRDS,
                "secure-ingress.k3s.images", images.toString(),
                "secure-ingress.k3s.reuse", "true",
                "secure-ingress.k3s.timeout", "90");

        K3sCluster.Settings settings = K3sCluster.builder().withConfiguration(parameters::get).settings();

        assertThat(settings.image()).isEqualTo("mirror.example.com/rancher/k3s:v1.32.8-k3s1");
        assertThat(settings.istio().versions()).as("the Gateway API release follows the Istio version")
                .isEqualTo(IstioVersions.of("1.25.3", "v1.2.1"));
        assertThat(settings.crds().location()).isEqualTo("classpath:/k3s/gateway-api-crds.yaml");
        assertThat(settings.imageTarballs()).isEqualTo(images);
        assertThat(settings.reuse()).isTrue();
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void refusesAnIncompatiblePairAndMalformedSettings(@TempDir Path dir) {
        assertThatThrownBy(() -> K3sCluster.builder().withConfiguration(Map.of(
                "secure-ingress.k3s.istio-version", "1.27.0",
                "secure-ingress.k3s.gateway-api-version", "v1.4.0")::get))
                .hasMessageContaining("Istio 1.27.0 does not support Gateway API v1.4.0");
        assertThatThrownBy(() -> K3sCluster.builder().withConfiguration(Map.of("secure-ingress.k3s.timeout", "5m")::get))
                .hasMessageContaining("secure-ingress.k3s.timeout '5m' is not a number of seconds");
        assertThatThrownBy(() -> K3sCluster.builder().withImageTarballs(dir.resolve("missing")).settings())
                .hasMessageContaining("image tarball directory")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> K3sCluster.builder().withNodePorts(32760, 10))
                .hasMessageContaining("NodePort range 30000-32767");
    }

    @Test
    void theAirgapDirectoryContributesItsImageTarballsOnly(@TempDir Path images) throws Exception {
        for (String name : new String[]{"samples.tar", "istio.tar.gz", "k3s-airgap-images-amd64.tar.zst", "old.tgz",
                "README.md", "charts.zip"}) {
            java.nio.file.Files.writeString(images.resolve(name), name);
        }
        java.nio.file.Files.createDirectory(images.resolve("nested.tar"));

        assertThat(K3sCluster.Builder.tarballs(images)).extracting(p -> p.getFileName().toString())
                .containsExactly("istio.tar.gz", "k3s-airgap-images-amd64.tar.zst", "old.tgz", "samples.tar");
        assertThat(K3sCluster.Builder.tarballs(null)).isEmpty();
        assertThat(K3sCluster.AIRGAP_IMAGES_DIR).isEqualTo("/var/lib/rancher/k3s/agent/images/");
    }

    @Test
    void thePlanOfAConfigurationIsAvailableWithoutDocker() {
        K3sInstallPlan plan = K3sCluster.builder()
                .withVersions(IstioVersions.forIstio("1.26.1"))
                .withGatewayApiCrds(GatewayApiCrdSource.classpath(GatewayApiCrdSourceTest.TEST_CRDS))
                .withIstiodRequests("200m", "384Mi")
                .withReadinessTimeout(Duration.ofSeconds(42))
                .plan();
        assertThat(plan.steps()).hasSize(8);
        assertThat(plan.steps().get(3).description()).isEqualTo("namespace istio-system and HelmChart istio-base (Istio 1.26.1)");
        assertThat(((InstallStep.Await) plan.steps().get(6)).timeout()).isEqualTo(Duration.ofSeconds(42));
        var istiod = (io.fabric8.kubernetes.api.model.GenericKubernetesResource) plan.appliedResources().get(7);
        assertThat(IstioInstallationTest.path(IstioInstallationTest.values(istiod), "pilot", "resources", "requests", "memory"))
                .isEqualTo("384Mi");
    }

    @Test
    void withoutDockerStartExplainsHowToChooseTheEmbeddedBackend() {
        assumeFalse(K3sCluster.dockerUnavailableReason().isEmpty(), "Docker is available here; this checks its absence");

        // nothing is downloaded before the Docker check: the CRD URL below would fail otherwise
        assertThatThrownBy(() -> K3sCluster.builder()
                .withGatewayApiCrds(GatewayApiCrdSource.url(java.net.URI.create("http://127.0.0.1:1/standard-install.yaml")))
                .start())
                .isInstanceOf(DockerNotAvailableException.class)
                .hasMessageStartingWith("The k3s backend needs a Docker engine, and Testcontainers found none")
                .hasMessageContaining("-Dsecure-ingress.backend=embedded")
                .hasMessageContaining("secure-ingress.backend=kubeconfig");
        assertThatThrownBy(() -> K3sCluster.builder()
                .withGatewayApiCrds(GatewayApiCrdSource.url(java.net.URI.create("http://127.0.0.1:1/standard-install.yaml")))
                .startShared())
                .isInstanceOf(DockerNotAvailableException.class);
        assertThat(K3sCluster.dockerUnavailableReason()).get().asString().isNotBlank();
    }
}

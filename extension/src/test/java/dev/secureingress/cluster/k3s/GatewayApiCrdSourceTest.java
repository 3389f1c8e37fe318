package dev.secureingress.cluster.k3s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayApiCrdSourceTest {

    static final String TEST_CRDS = "/k3s/gateway-api-crds.yaml";

    @Test
    void readsTheCrdsFromTheClasspath() {
        GatewayApiCrdSource source = GatewayApiCrdSource.classpath(TEST_CRDS);
        List<HasMetadata> items = source.load();
        assertThat(source.location()).isEqualTo("classpath:" + TEST_CRDS);
        assertThat(items).extracting(item -> item.getMetadata().getName()).containsExactlyElementsOf(K3sInstallPlan.GATEWAY_API_CRDS);
        assertThat(items).allMatch(item -> item.getKind().equals("CustomResourceDefinition"));
    }

    @Test
    void readsTheCrdsFromAFileAndAFileUrl(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("standard-install.yaml");
        try (var in = getClass().getResourceAsStream(TEST_CRDS)) {
            Files.write(copy, in.readAllBytes());
        }
        assertThat(GatewayApiCrdSource.file(copy).load()).hasSize(4);
        assertThat(GatewayApiCrdSource.url(copy.toUri()).load()).hasSize(4);
    }

    @Test
    void releaseSourcePointsAtTheStandardInstallOfTheChosenVersion() {
        assertThat(GatewayApiCrdSource.release(IstioVersions.forIstio("1.25.0")).location())
                .isEqualTo("https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.2.1/standard-install.yaml");
    }

    @Test
    void missingSourcesSayWhatToProvide(@TempDir Path dir) {
        assertThatThrownBy(() -> GatewayApiCrdSource.file(dir.resolve("absent.yaml")).load())
                .hasMessageContaining("absent.yaml does not exist")
                .hasMessageContaining("https://github.com/kubernetes-sigs/gateway-api/releases");
        assertThatThrownBy(() -> GatewayApiCrdSource.classpath("/nowhere/standard-install.yaml").load())
                .hasMessageContaining("/nowhere/standard-install.yaml is not on the classpath");
    }

    @Test
    void anUnreachableReleaseUrlSuggestsTheOfflineFile() {
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        GatewayApiCrdSource source = GatewayApiCrdSource.url(URI.create("http://127.0.0.1:1/standard-install.yaml"));
        assertThatThrownBy(source::load)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Could not read the Gateway API CRDs from http://127.0.0.1:1/standard-install.yaml")
                .hasMessageContaining("secure-ingress.k3s.gateway-api-crds=<path>");
    }

    @Test
    void refusesAManifestWithoutCrds(@TempDir Path dir) throws Exception {
        Path notCrds = dir.resolve("configmap.yaml");
        Files.writeString(notCrds, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
        assertThatThrownBy(() -> GatewayApiCrdSource.file(notCrds).load())
                .hasMessageContaining("holds no CustomResourceDefinition; is it standard-install.yaml?");
    }
}

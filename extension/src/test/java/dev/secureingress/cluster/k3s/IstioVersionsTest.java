package dev.secureingress.cluster.k3s;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IstioVersionsTest {

    @Test
    void defaultsAreIstio127WithGatewayApi13() {
        IstioVersions defaults = IstioVersions.defaults();
        assertThat(defaults.istio()).isEqualTo("1.27.0");
        assertThat(defaults.gatewayApi()).isEqualTo("v1.3.0");
        assertThat(defaults.gatewayApiStandardInstallUrl())
                .isEqualTo("https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.3.0/standard-install.yaml");
    }

    @Test
    void forIstioPicksTheGatewayApiReleaseItSupports() {
        assertThat(IstioVersions.forIstio("1.22.3").gatewayApi()).isEqualTo("v1.1.0");
        assertThat(IstioVersions.forIstio("1.25.4").gatewayApi()).isEqualTo("v1.2.1");
        assertThat(IstioVersions.forIstio("1.26.0").gatewayApi()).isEqualTo("v1.3.0");
        assertThat(IstioVersions.forIstio("1.29.1").gatewayApi()).isEqualTo("v1.4.0");
        assertThat(IstioVersions.forIstio("1.30.0").gatewayApi()).isEqualTo("v1.5.1");
    }

    @Test
    void acceptsAnyPatchOfTheSupportedMinorRelease() {
        assertThat(IstioVersions.of("1.27.3", "v1.3.1").gatewayApi()).isEqualTo("v1.3.1");
        assertThat(IstioVersions.compatible("1.24.0", "v1.2.0")).isTrue();
    }

    @Test
    void refusesAnIncompatiblePairNamingBothAndTheTable() {
        assertThatThrownBy(() -> IstioVersions.of("1.24.2", "v1.4.0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Istio 1.24.2 does not support Gateway API v1.4.0")
                .hasMessageContaining("Istio 1.24-1.25 supports Gateway API v1.2.x")
                .hasMessageContaining("Istio 1.28-1.29 -> Gateway API v1.4.x")
                .hasMessageContaining("secure-ingress.k3s.gateway-api-version");
        assertThat(IstioVersions.compatible("1.27.0", "v1.4.0")).isFalse();
    }

    @Test
    void refusesReleasesOutsideTheTableAndMalformedVersions() {
        assertThatThrownBy(() -> IstioVersions.forIstio("1.21.0"))
                .hasMessageContaining("Istio 1.21.0 is not in the supported range 1.22-1.30");
        assertThatThrownBy(() -> IstioVersions.forIstio("latest"))
                .hasMessageContaining("'latest' is not a release number like 1.27.0");
        assertThatThrownBy(() -> IstioVersions.of("1.27.0", "1.3.0"))
                .hasMessageContaining("Gateway API version '1.3.0' is not a release tag like v1.3.0");
        assertThat(IstioVersions.compatible("nonsense", "v1.3.0")).isFalse();
    }

    @Test
    void reportsTheSupportedGatewayApiOfKnownReleasesOnly() {
        assertThat(IstioVersions.supportedGatewayApi("1.28.0")).contains("v1.4.x");
        assertThat(IstioVersions.supportedGatewayApi("1.9.0")).isEmpty();
    }
}

package dev.secureingress.junit;

import dev.secureingress.fixtures.Fixture;
import dev.secureingress.ingress.PathType;
import dev.secureingress.ingress.TlsMode;
import dev.secureingress.tls.KeyAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsResolverTest {

    private final Map<String, String> parameters = new HashMap<>();

    @SecureIngressTest
    static class Defaults {
    }

    @SecureIngressTest(backend = "embedded", keyAlgorithm = "rsa-2048", readyTimeout = "2m", startupTimeout = "PT30S",
            requestTimeout = "500ms", keep = "true", fixtures = {"httpbin", "helloworld-v1"},
            hosts = {@IngressHost(name = "httpbin.example.com", backend = "httpbin:8000", paths = {"/status", "/delay"}),
                    @IngressHost(name = "helloworld.example.com", backend = "helloworld:5000", paths = "/hello",
                            pathType = PathType.EXACT, tls = TlsMode.MUTUAL)},
            manifests = "classpath:manifest-template/route.yaml")
    static class Everything {
    }

    @SecureIngressTest(backend = "k8s")
    static class BadBackend {
    }

    @SecureIngressTest(fixtures = {"httpbin", "httpbn"})
    static class UnknownFixture {
    }

    @SecureIngressTest(hosts = {@IngressHost(name = "a.example.com", backend = "a:80"),
            @IngressHost(name = "a.example.com", backend = "b:80")})
    static class DuplicateHosts {
    }

    @SecureIngressTest(manifests = {"classpath:manifest-template/route.yaml", "classpath:manifest-template/typo.yaml"})
    static class ManifestWithTypo {
    }

    @SecureIngressTest(readyTimeout = "soon")
    static class BadTimeout {
    }

    @SecureIngressTest(hosts = @IngressHost(name = "Httpbin.example.com", backend = "httpbin:8000"))
    static class BadHost {
    }

    @Test
    void defaultsWhenNothingIsConfigured() {
        SecureIngressSettings settings = resolve(Defaults.class);

        assertThat(settings.backend()).isEqualTo(Backend.AUTO);
        assertThat(settings.keyAlgorithm()).isEqualTo(KeyAlgorithm.ECDSA_P256);
        assertThat(settings.readyTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.startupTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.keep()).isFalse();
        assertThat(settings.fixtures()).isEmpty();
        assertThat(settings.hosts()).isEmpty();
        assertThat(settings.diagnosticsDir()).hasToString("target/secure-ingress");
        assertThat(settings.kubeconfig()).isNull();
        assertThat(settings.kubeconfigContext()).isNull();
        assertThat(settings.namespacePrefix()).isEqualTo("si-");
    }

    @Test
    void configurationParametersApplyWhenTheAnnotationIsSilent() {
        parameters.put("secure-ingress.backend", "EMBEDDED");
        parameters.put("secure-ingress.key-algorithm", "ECDSA_P384");
        parameters.put("secure-ingress.ready-timeout", "45s");
        parameters.put("secure-ingress.keep", "true");
        parameters.put("secure-ingress.fixtures", "httpbin, helloworld-v2");
        parameters.put("secure-ingress.diagnostics-dir", "build/dumps");
        parameters.put("secure-ingress.kubeconfig", "ci/kubeconfig");
        parameters.put("secure-ingress.kubeconfig-context", "staging");
        parameters.put("secure-ingress.namespace-prefix", "ci-42-");

        SecureIngressSettings settings = resolve(Defaults.class);

        assertThat(settings.backend()).isEqualTo(Backend.EMBEDDED);
        assertThat(settings.keyAlgorithm()).isEqualTo(KeyAlgorithm.ECDSA_P384);
        assertThat(settings.readyTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(settings.keep()).isTrue();
        assertThat(settings.fixtures()).containsExactly(Fixture.HTTPBIN, Fixture.HELLOWORLD_V2);
        assertThat(settings.diagnosticsDir()).hasToString("build/dumps");
        assertThat(settings.kubeconfig()).hasToString("ci/kubeconfig");
        assertThat(settings.kubeconfigContext()).isEqualTo("staging");
        assertThat(settings.namespacePrefix()).isEqualTo("ci-42-");
    }

    @Test
    void aNamespacePrefixThatCannotStartANamespaceNameIsRefused() {
        parameters.put("secure-ingress.namespace-prefix", "CI_");

        assertThatThrownBy(() -> resolve(Defaults.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("configuration parameter secure-ingress.namespace-prefix=CI_ is invalid: it must be at most 17"
                        + " lower-case letters, digits and '-', starting with a letter or digit (e.g. si- or ci-42-)");
    }

    @Test
    void annotationAttributesOverrideConfigurationParameters() {
        parameters.put("secure-ingress.backend", "k3s");
        parameters.put("secure-ingress.key-algorithm", "ECDSA_P384");
        parameters.put("secure-ingress.ready-timeout", "45s");
        parameters.put("secure-ingress.keep", "false");
        parameters.put("secure-ingress.fixtures", "helloworld-v2");

        SecureIngressSettings settings = resolve(Everything.class);

        assertThat(settings.backend()).isEqualTo(Backend.EMBEDDED);
        assertThat(settings.keyAlgorithm()).isEqualTo(KeyAlgorithm.RSA_2048);
        assertThat(settings.readyTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.startupTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.keep()).isTrue();
        assertThat(settings.fixtures()).containsExactly(Fixture.HTTPBIN, Fixture.HELLOWORLD_V1);
        assertThat(settings.manifests()).containsExactly("classpath:manifest-template/route.yaml");
        assertThat(settings.hosts()).hasSize(2);
        assertThat(settings.hosts().get(1).pathType()).isEqualTo(PathType.EXACT);
        assertThat(settings.hosts().get(1).tlsMode()).isEqualTo(TlsMode.MUTUAL);
        assertThat(settings.hosts().get(0).paths()).containsExactly("/status", "/delay");
    }

    @Test
    void badAttributeNamesTheAttributeTheClassAndTheChoices() {
        assertThatThrownBy(() -> resolve(BadBackend.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@SecureIngressTest(backend = \"k8s\") on BadBackend is invalid; write one of embedded, k3s, kubeconfig, auto");
        assertThatThrownBy(() -> resolve(BadTimeout.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("@SecureIngressTest(readyTimeout = \"soon\") on BadTimeout is invalid")
                .hasMessageContaining("30s");
    }

    @Test
    void unknownFixtureListsTheKnownOnes() {
        assertThatThrownBy(() -> resolve(UnknownFixture.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@SecureIngressTest(fixtures = \"httpbn\") on UnknownFixture is not a known fixture; known fixtures: "
                        + "httpbin, helloworld-v1, helloworld-v2 (deploy your own workloads with manifests = ...)");
        parameters.put("secure-ingress.fixtures", "httpbin,nginx");
        assertThatThrownBy(() -> resolve(Defaults.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("configuration parameter secure-ingress.fixtures names fixture 'nginx' but it is not a known fixture");
    }

    @Test
    void badParameterNamesTheParameterAndHowToOverrideIt() {
        parameters.put("secure-ingress.keep", "yes");

        assertThatThrownBy(() -> resolve(Defaults.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("configuration parameter secure-ingress.keep=yes is invalid")
                .hasMessageContaining("true or false")
                .hasMessageContaining("@SecureIngressTest(keep = ...)");
    }

    @Test
    void badHostNamesItsIndexAndTheProblem() {
        assertThatThrownBy(() -> resolve(BadHost.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("@SecureIngressTest(hosts[0]) on BadHost")
                .hasMessageContaining("invalid hostname 'Httpbin.example.com': must be lowercase");
    }

    @Test
    void duplicateHostsAndBadManifestsFailBeforeAnyClusterStarts() {
        assertThatThrownBy(() -> resolve(DuplicateHosts.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("@SecureIngressTest(hosts) on DuplicateHosts: host a.example.com is declared twice");
        assertThatThrownBy(() -> resolve(ManifestWithTypo.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("@SecureIngressTest(manifests[1]) on ManifestWithTypo: unknown placeholder ${secrets:a.example.com}"
                        + " at line 3 of classpath:manifest-template/typo.yaml");
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertThat(SettingsResolver.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(SettingsResolver.duration("3h")).isEqualTo(Duration.ofHours(3));
        assertThat(SettingsResolver.duration("pt1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(SettingsResolver.duration("0s")).isNull();
        assertThat(SettingsResolver.duration("-PT1S")).isNull();
        assertThat(SettingsResolver.duration("1 minute")).isNull();
    }

    private SecureIngressSettings resolve(Class<?> type) {
        return new SettingsResolver(type.getAnnotation(SecureIngressTest.class), type.getSimpleName(), type.getClassLoader(),
                key -> Optional.ofNullable(parameters.get(key))).resolve();
    }
}

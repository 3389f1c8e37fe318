package dev.secureingress.examples;

import dev.secureingress.junit.ForHost;
import dev.secureingress.junit.IngressHost;
import dev.secureingress.junit.SecureIngressTest;
import dev.secureingress.tls.Credential;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The catalogue of misconfigurations: each misconfigured class below is run on its own and must fail
 * with a message that names what is wrong and how to fix it. (The nested classes are not run by the
 * build directly.)
 */
@DisplayName("bad configuration: every mistake is named with its fix")
class BadConfigurationTest {

    @SecureIngressTest(fixtures = "httpbn")
    static class UnknownFixture {
        @Test
        void test() {
        }
    }

    @SecureIngressTest(hosts = {
            @IngressHost(name = "httpbin.example.com", backend = "httpbin:8000", paths = "/status"),
            @IngressHost(name = "httpbin.example.com", backend = "helloworld:5000", paths = "/hello")})
    static class ConflictingHosts {
        @Test
        void test() {
        }
    }

    @SecureIngressTest(hosts = @IngressHost(name = "HTTPBIN.example.com", backend = "httpbin:8000"))
    static class InvalidHostname {
        @Test
        void test() {
        }
    }

    @SecureIngressTest(hosts = @IngressHost(name = "httpbin.example.com", backend = "httpbin"))
    static class BackendWithoutPort {
        @Test
        void test() {
        }
    }

    @SecureIngressTest(backend = "minikube")
    static class UnknownBackend {
        @Test
        void test() {
        }
    }

    @SecureIngressTest(readyTimeout = "soon")
    static class InvalidTimeout {
        @Test
        void test() {
        }
    }

    @SecureIngressTest(manifests = "classpath:bad-configuration/no-such-file.yaml")
    static class MissingManifest {
        @Test
        void test() {
        }
    }

    @SecureIngressTest(manifests = "classpath:bad-configuration/unknown-placeholder.yaml")
    static class UnknownPlaceholder {
        @Test
        void test() {
        }
    }

    @SecureIngressTest
    static class CredentialWithoutHost {
        @Test
        void test(Credential credential) {
        }
    }

    @SecureIngressTest
    static class CredentialForInvalidHost {
        @Test
        void test(@ForHost("not a host") Credential credential) {
        }
    }

    @Test
    @DisplayName("unknown fixture: the known ones are listed")
    void unknownFixture() {
        assertThat(failureOf(UnknownFixture.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@SecureIngressTest(fixtures = \"httpbn\") on UnknownFixture is not a known fixture; "
                        + "known fixtures: httpbin, helloworld-v1, helloworld-v2 (deploy your own workloads with manifests = ...)");
    }

    @Test
    @DisplayName("the same host twice: both declarations named, merge suggested")
    void conflictingHosts() {
        assertThat(failureOf(ConflictingHosts.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("host httpbin.example.com is declared twice (httpbin:8000 PREFIX [/status] and "
                        + "helloworld:5000 PREFIX [/hello])")
                .hasMessageContaining("merge the paths into one host or use another hostname");
    }

    @Test
    @DisplayName("invalid hostname: which host and why")
    void invalidHostname() {
        assertThat(failureOf(InvalidHostname.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@SecureIngressTest(hosts[0]) on InvalidHostname: invalid hostname 'HTTPBIN.example.com': "
                        + "must be lowercase, e.g. httpbin.example.com");
    }

    @Test
    @DisplayName("backend without port: the expected form")
    void backendWithoutPort() {
        assertThat(failureOf(BackendWithoutPort.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("backend 'httpbin' must be service:port, e.g. httpbin:8000");
    }

    @Test
    @DisplayName("unknown backend: the choices")
    void unknownBackend() {
        assertThat(failureOf(UnknownBackend.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@SecureIngressTest(backend = \"minikube\") on UnknownBackend is invalid; "
                        + "write one of embedded, k3s, kubeconfig, auto");
    }

    @Test
    @DisplayName("invalid timeout: the accepted forms")
    void invalidTimeout() {
        assertThat(failureOf(InvalidTimeout.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("@SecureIngressTest(readyTimeout = \"soon\") on InvalidTimeout is invalid; "
                        + "write a positive duration such as 30s");
    }

    @Test
    @DisplayName("missing manifest: where it was looked for")
    void missingManifest() {
        assertThat(failureOf(MissingManifest.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("manifest classpath:bad-configuration/no-such-file.yaml not found")
                .hasMessageContaining("src/test/resources/bad-configuration/no-such-file.yaml");
    }

    @Test
    @DisplayName("unknown placeholder: name, line, file and the known placeholders")
    void unknownPlaceholder() {
        assertThat(failureOf(UnknownPlaceholder.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("unknown placeholder ${gatway} at line 6 of classpath:bad-configuration/unknown-placeholder.yaml")
                .hasMessageContaining("known placeholders: ${namespace}, ${gateway}, ${secret:HOST}");
    }

    @Test
    @DisplayName("a Credential parameter without @ForHost: how to say whose")
    void credentialWithoutHost() {
        assertThat(failureOf(CredentialWithoutHost.class))
                .isInstanceOf(ParameterResolutionException.class)
                .hasMessageContaining("parameter credential of type Credential needs @ForHost(\"hostname\")");
    }

    @Test
    @DisplayName("@ForHost with an invalid hostname")
    void credentialForInvalidHost() {
        assertThat(failureOf(CredentialForInvalidHost.class))
                .isInstanceOf(ParameterResolutionException.class)
                .hasMessageContaining("@ForHost(\"not a host\"): invalid hostname 'not a host'");
    }

    /** Runs the class on its own and returns the one failure (of the class or of its test). */
    static Throwable failureOf(Class<?> testClass) {
        List<Event> failed = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(testClass))
                .configurationParameter("secure-ingress.diagnostics-dir", "target/secure-ingress/bad-configuration")
                .execute()
                .allEvents().failed().list();
        assertThat(failed).as("failed events of %s", testClass.getSimpleName()).hasSize(1);
        return failed.get(0).getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }
}

package dev.secureingress.examples;

import dev.secureingress.cluster.IngressCluster;
import dev.secureingress.cluster.WaitTimeoutException;
import dev.secureingress.junit.FailureWithDiagnostics;
import dev.secureingress.junit.ForHost;
import dev.secureingress.junit.IngressHost;
import dev.secureingress.junit.SecureIngress;
import dev.secureingress.junit.SecureIngressTest;
import dev.secureingress.tls.Credential;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The catalogue of misconfigurations: each misconfigured class below is run on its own and must fail
 * with a message that names what is wrong and how to fix it. Mistakes found before any cluster starts
 * are run one class at a time; those that need the cluster run together, once ({@link OnACluster}), on
 * this class's cluster: the nested runs share it rather than start another. (The nested classes are not
 * run by the build directly.)
 */
@DisplayName("bad configuration: every mistake is named with its fix")
@SecureIngressTest
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

    @SecureIngressTest(keyAlgorithm = "DSA")
    static class UnknownKeyAlgorithm {
        @Test
        void test() {
        }
    }

    @SecureIngressTest(keep = "yes")
    static class InvalidKeep {
        @Test
        void test() {
        }
    }

    @SecureIngressTest(hosts = @IngressHost(name = "httpbin.example.com", backend = "httpbin:8000", paths = "status"))
    static class PathWithoutSlash {
        @Test
        void test() {
        }
    }

    @SecureIngressTest(manifests = "classpath:bad-configuration/invalid-secret-host.yaml")
    static class InvalidSecretPlaceholderHost {
        @Test
        void test() {
        }
    }

    @SecureIngressTest(readyTimeout = "20s", manifests = "classpath:bad-configuration/unknown-secret.yaml")
    static class UnknownSecret {
        @Test
        void test() {
        }
    }

    @SecureIngressTest
    static class HandleMisuse {
        @Test
        void rotateAHostWithoutCredential(SecureIngress ingress) {
            ingress.createSecret("httpbin.example.com");
            ingress.rotate("unknown.example.com");
        }

        @Test
        void rotateWithoutChoosingTheNewCredential(SecureIngress ingress) {
            ingress.createSecret("httpbin.example.com");
            ingress.rotate("httpbin.example.com").apply();
        }

        @Test
        void gatewayAddressWithoutGateway(SecureIngress ingress) {
            ingress.gatewayAddress();
        }
    }

    /** Runs with the misconfigured classes and records the cluster their run got. */
    @SecureIngressTest
    static class ClusterWitness {
        static final Set<IngressCluster> SEEN = ConcurrentHashMap.newKeySet();

        @Test
        void recordsTheCluster(IngressCluster cluster) {
            SEEN.add(cluster);
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
    @DisplayName("the nested runs use this run's cluster: one cluster per JVM")
    void nestedRunsShareTheCluster(IngressCluster cluster) {
        Map<String, Throwable> failures = OnACluster.FAILURES; // runs the classes on a cluster, once
        assertThat(ClusterWitness.SEEN).as("clusters of the nested run (failures: %s)", failures.keySet())
                .containsExactly(cluster);
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
        assertThat(OnACluster.failure("CredentialWithoutHost.test"))
                .isInstanceOf(ParameterResolutionException.class)
                .hasMessageContaining("parameter credential of type Credential needs @ForHost(\"hostname\")");
    }

    @Test
    @DisplayName("@ForHost with an invalid hostname")
    void credentialForInvalidHost() {
        assertThat(OnACluster.failure("CredentialForInvalidHost.test"))
                .isInstanceOf(ParameterResolutionException.class)
                .hasMessageContaining("@ForHost(\"not a host\"): invalid hostname 'not a host'");
    }

    @Test
    @DisplayName("unknown key algorithm: the choices")
    void unknownKeyAlgorithm() {
        assertThat(failureOf(UnknownKeyAlgorithm.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@SecureIngressTest(keyAlgorithm = \"DSA\") on UnknownKeyAlgorithm is invalid; "
                        + "write one of [ECDSA_P256, ECDSA_P384, RSA_2048, RSA_3072, RSA_4096]");
    }

    @Test
    @DisplayName("keep that is not a boolean")
    void invalidKeep() {
        assertThat(failureOf(InvalidKeep.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@SecureIngressTest(keep = \"yes\") on InvalidKeep is invalid; write true or false");
    }

    @Test
    @DisplayName("a path without its leading slash: the corrected path")
    void pathWithoutSlash() {
        assertThat(failureOf(PathWithoutSlash.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@SecureIngressTest(hosts[0]) on PathWithoutSlash: host httpbin.example.com: "
                        + "path 'status' must start with '/', e.g. \"/status\"");
    }

    @Test
    @DisplayName("${secret:HOST} with an invalid host: placeholder, line and file")
    void invalidSecretPlaceholderHost() {
        assertThat(failureOf(InvalidSecretPlaceholderHost.class))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("${secret:HTTPBIN.example.com} at line 14 of classpath:bad-configuration/invalid-secret-host.yaml")
                .hasMessageContaining("invalid hostname 'HTTPBIN.example.com': must be lowercase, e.g. httpbin.example.com");
    }

    @Test
    @DisplayName("unknown secret: the listener's ResolvedRefs condition names the missing Secret")
    void unknownSecret() {
        assertThat(OnACluster.failure("UnknownSecret"))
                .isInstanceOf(FailureWithDiagnostics.class)
                .hasCauseInstanceOf(WaitTimeoutException.class)
                .hasMessageContaining("to be Accepted and Programmed with every listener Programmed and ResolvedRefs")
                .hasMessageContaining("listener https: ResolvedRefs=False (InvalidCertificateRef: certificateRef Secret ")
                .hasMessageContaining("/no-such-credential does not exist: create the Secret with tls.crt and tls.key")
                .hasMessageContaining("secure-ingress diagnostics: ");
    }

    @Test
    @DisplayName("rotating a host that has no credential: the known hosts")
    void rotateAHostWithoutCredential() {
        assertThat(OnACluster.failure("HandleMisuse.rotateAHostWithoutCredential"))
                .isInstanceOf(FailureWithDiagnostics.class)
                .hasCauseInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot rotate unknown.example.com: it has no credential in namespace si-handle-misuse-")
                .hasMessageContaining("; known hosts: [httpbin.example.com]");
    }

    @Test
    @DisplayName("a rotation applied before choosing the new credential: how to choose it")
    void rotateWithoutChoosingTheNewCredential() {
        assertThat(OnACluster.failure("HandleMisuse.rotateWithoutChoosingTheNewCredential"))
                .isInstanceOf(FailureWithDiagnostics.class)
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("rotation of httpbin.example.com: choose the new credential first, "
                        + "e.g. rotate(\"httpbin.example.com\").toNewRoot().apply()");
    }

    @Test
    @DisplayName("the gateway address of a class without a Gateway: how to get one")
    void gatewayAddressWithoutGateway() {
        assertThat(OnACluster.failure("HandleMisuse.gatewayAddressWithoutGateway"))
                .isInstanceOf(FailureWithDiagnostics.class)
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no Gateway yet: declare hosts in @SecureIngressTest(hosts = ...) "
                        + "or apply a manifest with a Gateway first");
    }

    /** The misconfigurations that need a cluster, run together on one cluster the first time a test asks. */
    private static final class OnACluster {
        private static final Map<String, Throwable> FAILURES = failuresOf(CredentialWithoutHost.class,
                CredentialForInvalidHost.class, UnknownSecret.class, HandleMisuse.class, ClusterWitness.class);

        /** The failure of {@code Class} (set-up) or {@code Class.method}. */
        static Throwable failure(String where) {
            assertThat(FAILURES).as("failures of the misconfigured classes run on a cluster").containsKey(where);
            return FAILURES.get(where);
        }
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

    /** Runs the classes together (one cluster for all) and returns every failure by {@code Class} or {@code Class.method}. */
    static Map<String, Throwable> failuresOf(Class<?>... testClasses) {
        Map<String, Throwable> failures = new LinkedHashMap<>();
        EngineTestKit.engine("junit-jupiter")
                .selectors(Arrays.stream(testClasses).map(c -> selectClass(c)).toArray(DiscoverySelector[]::new))
                .configurationParameter("secure-ingress.diagnostics-dir", "target/secure-ingress/bad-configuration")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .execute()
                .allEvents().failed().stream()
                .forEach(event -> failures.put(where(event.getTestDescriptor()),
                        event.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow()));
        return failures;
    }

    private static String where(TestDescriptor descriptor) {
        return descriptor.getSource().map(source -> {
            if (source instanceof MethodSource method) {
                return method.getJavaClass().getSimpleName() + "." + method.getMethodName();
            }
            return source instanceof ClassSource type ? type.getJavaClass().getSimpleName() : source.toString();
        }).orElse(descriptor.getDisplayName());
    }
}

package dev.secureingress.junit;

import dev.secureingress.cluster.k3s.ClusterStatusSimulator;
import dev.secureingress.cluster.k3s.K3sCluster;
import dev.secureingress.cluster.kubeconfig.KubeconfigCluster;
import dev.secureingress.cluster.kubeconfig.MissingPrerequisitesException;
import dev.secureingress.embedded.api.EmbeddedApiServer;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How the extension picks and starts its backend: {@code auto} decided by Docker's presence, {@code k3s}
 * without Docker failing with the way out, and {@code kubeconfig} against an in-JVM API server reached
 * through a kubeconfig file, with and without Istio's prerequisites.
 */
class ClusterLauncherTest {

    static final Map<String, Object> seen = new ConcurrentHashMap<>();

    @TempDir
    Path dir;
    private EmbeddedApiServer api;
    private Path kubeconfig;

    @BeforeEach
    void startApiServer() {
        seen.clear();
        api = EmbeddedApiServer.start();
        kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig"));
    }

    @AfterEach
    void stopApiServer() {
        api.close();
    }

    @Test
    void autoPicksK3sWhereDockerWorksAndEmbeddedWithTheReasonWhereItDoesNot() {
        ClusterLauncher.Choice withDocker = ClusterLauncher.choose(Backend.AUTO, Optional::empty);
        ClusterLauncher.Choice withoutDocker = ClusterLauncher.choose(Backend.AUTO,
                () -> Optional.of("Could not find a valid Docker environment"));

        assertThat(withDocker).isEqualTo(new ClusterLauncher.Choice(Backend.K3S, "auto: Docker is available"));
        assertThat(withoutDocker).isEqualTo(new ClusterLauncher.Choice(Backend.EMBEDDED,
                "auto: Docker is not available (Could not find a valid Docker environment)"));
        assertThat(ClusterLauncher.choose(Backend.EMBEDDED, () -> {
            throw new AssertionError("a configured backend needs no Docker check");
        })).isEqualTo(new ClusterLauncher.Choice(Backend.EMBEDDED, "configured"));
    }

    @SecureIngressTest(backend = "k3s")
    static class OnK3s {
        @Test
        void neverRunsWithoutDocker(SecureIngress ingress) {
            seen.put("k3s.ran", true);
        }
    }

    @Test
    void k3sWithoutDockerFailsTheClassNamingTheEmbeddedBackend() {
        Optional<String> noDocker = K3sCluster.dockerUnavailableReason();
        assumeTrue(noDocker.isPresent(), "Docker is available here; this checks the k3s backend without it");

        EngineExecutionResults results = EngineRuns.run(Map.of(), OnK3s.class);

        assertThat(EngineRuns.onlyFailure(results))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("The k3s backend needs a Docker engine, and Testcontainers found none")
                .hasMessageContaining("-Dsecure-ingress.backend=embedded");
        assertThat(seen).doesNotContainKey("k3s.ran");
    }

    @Test
    void k3sSettingsComeFromConfigurationParametersAndABadPairIsRefusedBeforeDocker() {
        EngineExecutionResults results = EngineRuns.run(Map.of(
                "secure-ingress.k3s.istio-version", "1.27.0",
                "secure-ingress.k3s.gateway-api-version", "v1.4.0"), OnK3s.class);

        assertThat(EngineRuns.onlyFailure(results))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith("backend k3s: Istio 1.27.0 does not support Gateway API v1.4.0")
                .hasMessageContaining("secure-ingress.k3s.*");
    }

    @SecureIngressTest(backend = "kubeconfig")
    @Order(1)
    static class OnExistingCluster {
        @Test
        void getsAPrefixedLabelledNamespace(SecureIngress ingress, KubernetesClient kubernetes) {
            Secret secret = ingress.createSecret("httpbin.example.com");
            seen.put("namespace", ingress.namespace());
            seen.put("namespace.labels", kubernetes.namespaces().withName(ingress.namespace()).get().getMetadata().getLabels());
            seen.put("secret.labels", secret.getMetadata().getLabels());
            seen.put("cluster", ingress.cluster());
        }
    }

    @SecureIngressTest(backend = "kubeconfig", keep = "true")
    @Order(2)
    static class KeptOnExistingCluster {
        @Test
        void keepsItsNamespace(SecureIngress ingress) {
            seen.put("kept.namespace", ingress.namespace());
        }
    }

    @Test
    void kubeconfigWithoutIstioFailsWithWhatIsMissing() {
        EngineExecutionResults results = EngineRuns.run(Map.of("secure-ingress.kubeconfig", kubeconfig.toString()),
                OnExistingCluster.class);

        assertThat(EngineRuns.onlyFailure(results))
                .isInstanceOf(MissingPrerequisitesException.class)
                .hasMessageContaining("The cluster at " + api.url())
                .hasMessageContaining("Istio is not installed: no Deployment istio-system/istiod")
                .hasMessageContaining("helm install istio-base base");
    }

    @Test
    void kubeconfigWithAMissingContextNamesTheParameter() {
        EngineExecutionResults results = EngineRuns.run(Map.of("secure-ingress.kubeconfig", kubeconfig.toString(),
                "secure-ingress.kubeconfig-context", "staging"), OnExistingCluster.class);

        assertThat(EngineRuns.onlyFailure(results))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("has no context 'staging'")
                .hasMessageContaining("secure-ingress.kubeconfig-context");
    }

    @Test
    void kubeconfigWithIstioRunsTheClassInALabelledNamespaceAndCleansUp() {
        KubernetesClient admin = api.client();
        new ClusterStatusSimulator(admin).deploymentAvailable("istio-system", "istiod", "True");

        EngineExecutionResults results = EngineRuns.run(Map.of("secure-ingress.kubeconfig", kubeconfig.toString(),
                "secure-ingress.kubeconfig-context", EmbeddedApiServer.KUBECONFIG_CONTEXT,
                "secure-ingress.namespace-prefix", "ci-7-"), OnExistingCluster.class, KeptOnExistingCluster.class);

        assertThat(EngineRuns.failures(results)).isEmpty();
        results.testEvents().assertStatistics(stats -> stats.succeeded(2));
        assertThat(seen.get("cluster")).isInstanceOf(KubeconfigCluster.class);
        String runId = ((KubeconfigCluster) seen.get("cluster")).runId();
        assertThat((String) seen.get("namespace")).startsWith("ci-7-on-existing-cluster-");
        assertThat(labels("namespace.labels"))
                .containsEntry("app.kubernetes.io/managed-by", "secure-ingress")
                .containsEntry(KubeconfigCluster.RUN_LABEL, runId);
        assertThat(labels("secret.labels")).containsEntry(KubeconfigCluster.RUN_LABEL, runId);
        assertThat(admin.namespaces().withName((String) seen.get("namespace")).get())
                .as("the class's namespace after the run").isNull();

        Namespace kept = admin.namespaces().withName((String) seen.get("kept.namespace")).get();
        assertThat(kept).as("a kept class's namespace outlives the run").isNotNull();
        assertThat(kept.getMetadata().getLabels()).doesNotContainKey(KubeconfigCluster.RUN_LABEL);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> labels(String key) {
        return (Map<String, String>) seen.get(key);
    }
}

package dev.secureingress.junit;

import dev.secureingress.cluster.IngressCluster;
import dev.secureingress.cluster.k3s.K3sCluster;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Lifecycle: shared cluster, namespace per class, cleanup (or keep), nested classes, injection, precedence. */
class LifecycleTest {

    static final Map<String, Object> seen = new ConcurrentHashMap<>();

    @SecureIngressTest
    @Order(1)
    static class First {
        @Test
        void createsThings(SecureIngress ingress, KubernetesClient kubernetes, IngressCluster cluster,
                           CertificateAuthority root, @ForHost("a.example.com") Credential credential) {
            ingress.createSecret("a.example.com");
            seen.put("first.namespace", ingress.namespace());
            seen.put("first.secret", ingress.secretName("a.example.com"));
            seen.put("first.cluster", cluster);
            seen.put("first.kubernetes", kubernetes);
            seen.put("first.readyTimeout", ingress.settings().readyTimeout());
            assertThat(kubernetes.namespaces().withName(ingress.namespace()).get()).isNotNull();
            assertThat(root).isSameAs(ingress.rootCa());
            assertThat(credential).isSameAs(ingress.credential("a.example.com"));
            assertThat(credential.certificate().getIssuerX500Principal()).isEqualTo(root.certificate().getSubjectX500Principal());
        }

        @Nested
        class Inner {
            @Test
            void sharesTheEnclosingIngress(SecureIngress ingress) {
                seen.put("inner.namespace", ingress.namespace());
            }
        }
    }

    @SecureIngressTest(readyTimeout = "42s")
    @Order(2)
    static class Second {
        @Test
        void seesTheSameClusterAndFirstsCleanup(SecureIngress ingress, KubernetesClient kubernetes) {
            seen.put("second.namespace", ingress.namespace());
            seen.put("second.cluster", ingress.cluster());
            seen.put("second.readyTimeout", ingress.settings().readyTimeout());
            String first = (String) seen.get("first.namespace");
            seen.put("second.sawFirstNamespace", kubernetes.namespaces().withName(first).get() != null);
            seen.put("second.sawFirstSecret",
                    kubernetes.secrets().inNamespace(first).withName((String) seen.get("first.secret")).get() != null);
        }
    }

    @SecureIngressTest(keep = "true")
    @Order(3)
    static class Kept {
        @Test
        void createsThings(SecureIngress ingress) {
            ingress.createSecret("kept.example.com");
            seen.put("kept.namespace", ingress.namespace());
        }
    }

    @SecureIngressTest
    @Order(4)
    static class AfterKept {
        @Test
        void seesKeptNamespace(KubernetesClient kubernetes) {
            String kept = (String) seen.get("kept.namespace");
            seen.put("afterKept.sawKeptNamespace", kubernetes.namespaces().withName(kept).get() != null);
        }
    }

    @Test
    void classesShareOneClusterEachGetsANamespaceAndItIsDeletedAfterTheClass() {
        EngineExecutionResults results = EngineRuns.run(Map.of("secure-ingress.ready-timeout", "7s"), First.class, Second.class);

        assertThat(EngineRuns.failures(results)).isEmpty();
        results.testEvents().assertStatistics(stats -> stats.succeeded(3));
        assertThat(seen.get("second.cluster")).isSameAs(seen.get("first.cluster"));
        assertThat(seen.get("first.namespace")).isNotEqualTo(seen.get("second.namespace"));
        assertThat(seen.get("inner.namespace")).as("@Nested shares the enclosing namespace").isEqualTo(seen.get("first.namespace"));
        assertThat(seen.get("second.sawFirstNamespace")).as("first's namespace after first ended").isEqualTo(false);
        assertThat(seen.get("second.sawFirstSecret")).as("first's secret after first ended").isEqualTo(false);
        assertThat(seen.get("first.readyTimeout")).as("configuration parameter").isEqualTo(Duration.ofSeconds(7));
        assertThat(seen.get("second.readyTimeout")).as("attribute over parameter").isEqualTo(Duration.ofSeconds(42));
    }

    @Test
    void keepLeavesTheNamespaceInPlace() {
        EngineExecutionResults results = EngineRuns.run(Kept.class, AfterKept.class);

        assertThat(EngineRuns.failures(results)).isEmpty();
        assertThat(seen.get("afterKept.sawKeptNamespace")).isEqualTo(true);
    }

    @Test
    void theBackendChoiceIsPublishedWithTheReport() {
        assumeTrue(K3sCluster.dockerUnavailableReason().isPresent(), "Docker is available here, so auto would start k3s");
        EngineExecutionResults results = EngineRuns.run(Map.of("secure-ingress.backend", "auto"), AfterKeptless.class);

        assertThat(EngineRuns.failures(results)).isEmpty();
        assertThat(results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getPayload(org.junit.platform.engine.reporting.ReportEntry.class).orElseThrow().getKeyValuePairs())
                .filter(pairs -> pairs.containsKey("secure-ingress.backend"))
                .map(pairs -> pairs.get("secure-ingress.backend")))
                .singleElement().asString()
                .startsWith("embedded (auto: Docker is not available (");
    }

    @SecureIngressTest
    static class RunsANestedRun {
        @Test
        void nestedRun(SecureIngress ingress, IngressCluster cluster) {
            seen.put("outer.cluster", cluster);
            seen.put("nested.failures", EngineRuns.failures(EngineRuns.run(InTheNestedRun.class)));
            // the nested run has ended and given its lease back: this run's cluster must still answer
            seen.put("outer.namespaceAfterNested",
                    ingress.kubernetes().namespaces().withName(ingress.namespace()).get() != null);
        }
    }

    @SecureIngressTest
    static class InTheNestedRun {
        @Test
        void recordsItsCluster(IngressCluster cluster) {
            seen.put("nested.cluster", cluster);
        }
    }

    @Test
    void aRunStartedInsideAnotherRunSharesItsClusterAndLeavesItRunning() {
        EngineExecutionResults results = EngineRuns.run(RunsANestedRun.class);

        assertThat(EngineRuns.failures(results)).isEmpty();
        assertThat(seen.get("nested.failures")).asList().isEmpty();
        assertThat(seen.get("nested.cluster")).as("the nested run's cluster").isSameAs(seen.get("outer.cluster"));
        assertThat(seen.get("outer.namespaceAfterNested")).as("the outer run's namespace, read after the nested run")
                .isEqualTo(true);
    }

    @SecureIngressTest
    static class AfterKeptless {
        @Test
        void nothing(SecureIngress ingress) {
            assertThat(ingress.namespace()).startsWith("si-after-keptless-");
        }
    }
}

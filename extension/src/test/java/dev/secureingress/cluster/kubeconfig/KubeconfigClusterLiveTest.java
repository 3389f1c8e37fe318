package dev.secureingress.cluster.kubeconfig;

import dev.secureingress.cluster.TeapotScenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The teapot scenario on an existing cluster with Istio: runs only when one is configured through
 * {@code -Dsecure-ingress.kubeconfig=<file>} (optionally {@code -Dsecure-ingress.kubeconfig-context=<name>});
 * reported as skipped otherwise. The cluster is verified first, so a cluster without Istio or the CRDs
 * fails with the list of what is missing.
 */
class KubeconfigClusterLiveTest {

    private static KubeconfigCluster cluster;

    /** Per test rather than {@code @BeforeAll}, so that each test is reported as skipped with the reason. */
    @BeforeEach
    void connectOnce() {
        String kubeconfig = System.getProperty("secure-ingress.kubeconfig");
        assumeTrue(kubeconfig != null && !kubeconfig.isBlank(),
                "no existing cluster configured: set -Dsecure-ingress.kubeconfig=<kubeconfig of a cluster with Istio>");
        assumeTrue(Files.isRegularFile(Path.of(kubeconfig)), "secure-ingress.kubeconfig=" + kubeconfig + " is not a file");
        if (cluster == null) {
            cluster = KubeconfigCluster.builder()
                    .kubeconfig(Path.of(kubeconfig))
                    .context(System.getProperty("secure-ingress.kubeconfig-context"))
                    .start();
        }
    }

    @AfterAll
    static void disconnect() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void teapotThroughTheClustersGateway() {
        TeapotScenario.run(cluster, Duration.ofMinutes(3));
    }

    @Test
    void namespacesItCreatesAreLabelledForCleanup() {
        String namespace = cluster.createNamespace("live-" + cluster.runId());
        assertThat(cluster.client().namespaces().withName(namespace).get().getMetadata().getLabels())
                .containsEntry(KubeconfigCluster.RUN_LABEL, cluster.runId());
    }
}

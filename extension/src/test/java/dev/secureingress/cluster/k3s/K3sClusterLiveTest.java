package dev.secureingress.cluster.k3s;

import dev.secureingress.cluster.TeapotScenario;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real thing: k3s in Docker, the Gateway API CRDs and Istio installed by {@link K3sCluster}, the
 * teapot scenario through Istio's gateway. Reported as skipped where Testcontainers finds no Docker
 * engine. Settings come from system properties ({@code secure-ingress.k3s.*}, see the README).
 */
class K3sClusterLiveTest {

    private static final List<String> progress = new ArrayList<>();
    private static K3sCluster cluster;

    /**
     * The assumption runs before each test, not in {@code @BeforeAll}, so that every test is reported
     * as skipped with the reason (a class-level assumption shows up as "0 tests run").
     */
    @BeforeEach
    void startK3sOnce() {
        K3sCluster.dockerUnavailableReason().ifPresent(reason -> assumeTrue(false, "Docker is not available (" + reason
                + "), so k3s cannot run here; run with a Docker engine, or use the embedded backend"));
        if (cluster == null) {
            cluster = K3sCluster.builder()
                    .withConfiguration(System::getProperty)
                    .withProgress(line -> {
                        progress.add(line);
                        System.out.println("k3s " + line);
                    })
                    .startShared();
        }
    }

    @AfterAll
    static void stopK3s() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void bootReportedEveryStepWithItsDuration() {
        assertThat(progress).anyMatch(line -> line.startsWith("container up, API server "));
        assertThat(progress).filteredOn(line -> line.matches("\\[\\d/8] .* in \\d+\\.\\d s")).hasSize(8);
        assertThat(cluster.client().nodes().list().getItems()).isNotEmpty();
        assertThat(cluster.client().apps().deployments().inNamespace("istio-system").withName("istiod").get()).isNotNull();
    }

    @Test
    void teapotThroughIstiosGateway() {
        TeapotScenario.run(cluster, Duration.ofMinutes(5));
    }

    @Test
    void diagnosticsHoldIstiodsLog() throws Exception {
        Path directory = Files.createTempDirectory("k3s-diagnostics");
        cluster.writeDiagnostics("istio-system", directory);
        try (var files = Files.list(directory)) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(name -> name.startsWith("istiod-"));
        }
    }
}

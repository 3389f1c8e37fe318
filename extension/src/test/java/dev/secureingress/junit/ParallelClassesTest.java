package dev.secureingress.junit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** Classes run concurrently under JUnit's parallel execution, on one cluster, without colliding. */
class ParallelClassesTest {

    private static final int CLASSES = 3;
    static final CyclicBarrier allSetUp = new CyclicBarrier(CLASSES);
    static final Set<String> namespaces = ConcurrentHashMap.newKeySet();
    static final Set<String> secrets = ConcurrentHashMap.newKeySet();
    static final Set<Object> clusters = ConcurrentHashMap.newKeySet();

    abstract static class Concurrent {
        @BeforeAll
        static void meet(SecureIngress ingress) throws InterruptedException, BrokenBarrierException, TimeoutException {
            namespaces.add(ingress.namespace());
            clusters.add(ingress.cluster());
            // every class is set up before any goes on: they really run at the same time
            allSetUp.await(120, TimeUnit.SECONDS);
        }

        @Test
        void sameHostOwnSecret(SecureIngress ingress) {
            ingress.createSecret("httpbin.example.com");
            secrets.add(ingress.namespace() + "/" + ingress.secretName("httpbin.example.com"));
            assertThat(ingress.kubernetes().secrets().inNamespace(ingress.namespace())
                    .withName(ingress.secretName("httpbin.example.com")).get()).isNotNull();
        }
    }

    @SecureIngressTest
    static class A extends Concurrent {
    }

    @SecureIngressTest
    static class B extends Concurrent {
    }

    @SecureIngressTest
    static class C extends Concurrent {
    }

    @Test
    void threeClassesAtOnceEachInItsNamespace() {
        EngineExecutionResults results = EngineRuns.run(Map.of(
                        "junit.jupiter.execution.parallel.enabled", "true",
                        "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
                        "junit.jupiter.execution.parallel.config.strategy", "fixed",
                        "junit.jupiter.execution.parallel.config.fixed.parallelism", String.valueOf(CLASSES)),
                A.class, B.class, C.class);

        assertThat(EngineRuns.failures(results)).isEmpty();
        results.testEvents().assertStatistics(stats -> stats.succeeded(CLASSES));
        assertThat(namespaces).hasSize(CLASSES);
        assertThat(secrets).hasSize(CLASSES);
        assertThat(clusters).as("one shared cluster").hasSize(1);
    }
}

package dev.secureingress.junit;

import dev.secureingress.cluster.IngressCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One cluster per backend configuration per JVM, whatever the number of test runs that lease it. */
class SharedClustersTest {

    private final String key = "test:" + UUID.randomUUID();
    private final AtomicInteger launches = new AtomicInteger();
    private final List<FakeCluster> launched = new ArrayList<>();

    private synchronized ClusterLauncher.LaunchedCluster launch() {
        launches.incrementAndGet();
        FakeCluster cluster = new FakeCluster();
        launched.add(cluster);
        return new ClusterLauncher.LaunchedCluster(cluster, Backend.EMBEDDED, "test", 0);
    }

    @Test
    void twoRunsShareOneClusterWhichStopsWhenTheLastLeaseCloses() {
        SharedClusters.Lease outer = SharedClusters.acquire(key, this::launch);
        SharedClusters.Lease nested = SharedClusters.acquire(key, this::launch);

        assertThat(nested.cluster()).isSameAs(outer.cluster());
        assertThat(launches.get()).isEqualTo(1);
        assertThat(SharedClusters.leases(key)).isEqualTo(2);

        nested.close();
        assertThat(launched.get(0).closed.get()).as("closed after the nested run's lease").isZero();

        outer.close();
        assertThat(launched.get(0).closed.get()).as("closed after the last lease").isEqualTo(1);
        assertThat(SharedClusters.leases(key)).isZero();
    }

    @Test
    void closingALeaseTwiceReleasesItOnce() {
        SharedClusters.Lease outer = SharedClusters.acquire(key, this::launch);
        SharedClusters.Lease nested = SharedClusters.acquire(key, this::launch);

        nested.close();
        nested.close();

        assertThat(launched.get(0).closed.get()).isZero();
        assertThat(SharedClusters.leases(key)).isEqualTo(1);
        outer.close();
        assertThat(launched.get(0).closed.get()).isEqualTo(1);
    }

    @Test
    void otherConfigurationsGetTheirOwnCluster() {
        try (SharedClusters.Lease one = SharedClusters.acquire(key, this::launch);
             SharedClusters.Lease other = SharedClusters.acquire(key + ":other", this::launch)) {
            assertThat(other.cluster()).isNotSameAs(one.cluster());
            assertThat(launches.get()).isEqualTo(2);
        }
    }

    @Test
    void aRunAfterTheClusterStoppedStartsAnotherOne() {
        SharedClusters.acquire(key, this::launch).close();

        try (SharedClusters.Lease next = SharedClusters.acquire(key, this::launch)) {
            assertThat(launches.get()).isEqualTo(2);
            assertThat(next.cluster().cluster()).isSameAs(launched.get(1));
            assertThat(launched.get(1).closed.get()).isZero();
        }
    }

    @Test
    void aFailedLaunchLeavesNoLeaseAndTheNextRunTriesAgain() {
        Supplier<ClusterLauncher.LaunchedCluster> failing = () -> {
            launches.incrementAndGet();
            throw new IllegalStateException("no Docker");
        };
        assertThatThrownBy(() -> SharedClusters.acquire(key, failing)).hasMessage("no Docker");
        assertThat(SharedClusters.leases(key)).isZero();

        try (SharedClusters.Lease next = SharedClusters.acquire(key, this::launch)) {
            assertThat(next.cluster().cluster()).isSameAs(launched.get(0));
            assertThat(launches.get()).isEqualTo(2);
        }
    }

    @Test
    void runsThatAskAtOnceWaitForOneLaunch() throws Exception {
        CountDownLatch launching = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Supplier<ClusterLauncher.LaunchedCluster> slow = () -> {
            launching.countDown();
            try {
                assertThat(finish.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return launch();
        };
        ExecutorService runs = Executors.newFixedThreadPool(3);
        try {
            List<Future<SharedClusters.Lease>> leases = new ArrayList<>();
            leases.add(runs.submit(() -> SharedClusters.acquire(key, slow)));
            assertThat(launching.await(30, TimeUnit.SECONDS)).isTrue();
            leases.add(runs.submit(() -> SharedClusters.acquire(key, slow)));
            leases.add(runs.submit(() -> SharedClusters.acquire(key, slow)));
            finish.countDown();

            for (Future<SharedClusters.Lease> lease : leases) {
                assertThat(lease.get(30, TimeUnit.SECONDS).cluster().cluster()).isSameAs(launched.get(0));
            }
            assertThat(launches.get()).isEqualTo(1);
            for (Future<SharedClusters.Lease> lease : leases) {
                lease.get().close();
            }
            assertThat(launched.get(0).closed.get()).isEqualTo(1);
        } finally {
            runs.shutdownNow();
        }
    }

    /** A cluster that only counts how often it was closed. */
    private static final class FakeCluster implements IngressCluster {
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public String backendName() {
            return "fake";
        }

        @Override
        public KubernetesClient client() {
            throw new UnsupportedOperationException("no Kubernetes API in this test");
        }

        @Override
        public InetSocketAddress gatewayEndpoint(String namespace, String gatewayName, int listenerPort) {
            throw new UnsupportedOperationException("no gateways in this test");
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }
}

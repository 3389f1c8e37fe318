package dev.secureingress.junit;

import dev.secureingress.cluster.IngressCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A class's gateway endpoints are looked up once and looked up again only once something could have moved them. */
class GatewayEndpointsTest {

    private static final InetSocketAddress BEFORE = new InetSocketAddress("127.0.0.2", 31443);
    private static final InetSocketAddress AFTER = new InetSocketAddress("127.0.0.3", 32443);

    private final MovableGateway cluster = new MovableGateway(BEFORE);
    private final GatewayEndpoints endpoints = new GatewayEndpoints(cluster);

    @Test
    void anEndpointIsLookedUpOnceThenRemembered() {
        for (int i = 0; i < 5; i++) {
            assertThat(endpoints.get("ns", "gw", 443)).isEqualTo(BEFORE);
        }
        assertThat(cluster.lookups.get()).isEqualTo(1);
    }

    @Test
    void eachGatewayAndPortIsLookedUpOnItsOwn() {
        endpoints.get("ns", "gw", 443);
        endpoints.get("ns", "gw", 8443);
        endpoints.get("ns", "other", 443);
        endpoints.get("other-ns", "gw", 443);
        endpoints.get("ns", "gw", 443);

        assertThat(cluster.lookups.get()).isEqualTo(4);
    }

    @Test
    void afterForgetTheNextCallSeesWhereTheGatewayIsNow() {
        assertThat(endpoints.get("ns", "gw", 443)).isEqualTo(BEFORE);
        cluster.moveTo(AFTER);
        assertThat(endpoints.get("ns", "gw", 443)).as("remembered until forgotten").isEqualTo(BEFORE);

        endpoints.forget();

        assertThat(endpoints.get("ns", "gw", 443)).isEqualTo(AFTER);
        assertThat(endpoints.get("ns", "gw", 443)).isEqualTo(AFTER);
        assertThat(cluster.lookups.get()).isEqualTo(2);
    }

    @Test
    void refreshLooksUpNowAndRemembersTheAnswer() {
        endpoints.get("ns", "gw", 443);
        cluster.moveTo(AFTER);

        assertThat(endpoints.refresh("ns", "gw", 443)).isEqualTo(AFTER);
        assertThat(endpoints.get("ns", "gw", 443)).isEqualTo(AFTER);
        assertThat(cluster.lookups.get()).isEqualTo(2);
    }

    @Test
    void aFailedLookupIsNotRememberedSoTheNextCallTriesAgain() {
        cluster.failWith(new IllegalStateException("Service ns/gw-istio does not exist yet"));
        assertThatThrownBy(() -> endpoints.get("ns", "gw", 443)).hasMessageContaining("does not exist yet");

        cluster.failWith(null);

        assertThat(endpoints.get("ns", "gw", 443)).isEqualTo(BEFORE);
        assertThat(cluster.lookups.get()).isEqualTo(2);
    }

    @Test
    void aLookupOverlappingForgetIsNotRememberedAfterIt() throws Exception {
        CountDownLatch inLookup = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        cluster.blockNextLookup(inLookup, release);
        CompletableFuture<InetSocketAddress> slow = CompletableFuture.supplyAsync(() -> endpoints.get("ns", "gw", 443));
        assertThat(inLookup.await(30, TimeUnit.SECONDS)).as("lookup started").isTrue();

        endpoints.forget();
        cluster.moveTo(AFTER);
        release.countDown();

        assertThat(slow.get(30, TimeUnit.SECONDS)).as("the overlapping lookup's own answer").isEqualTo(BEFORE);
        assertThat(endpoints.get("ns", "gw", 443)).as("looked up again after forget").isEqualTo(AFTER);
        assertThat(cluster.lookups.get()).isEqualTo(2);
    }

    /** A cluster whose only Gateway can be moved; counts lookups. */
    private static final class MovableGateway implements IngressCluster {
        final AtomicInteger lookups = new AtomicInteger();
        private volatile InetSocketAddress endpoint;
        private volatile RuntimeException failure;
        private volatile CountDownLatch inLookup;
        private volatile CountDownLatch release;

        MovableGateway(InetSocketAddress endpoint) {
            this.endpoint = endpoint;
        }

        void moveTo(InetSocketAddress endpoint) {
            this.endpoint = endpoint;
        }

        void failWith(RuntimeException failure) {
            this.failure = failure;
        }

        void blockNextLookup(CountDownLatch inLookup, CountDownLatch release) {
            this.inLookup = inLookup;
            this.release = release;
        }

        @Override
        public InetSocketAddress gatewayEndpoint(String namespace, String gatewayName, int listenerPort) {
            lookups.incrementAndGet();
            InetSocketAddress answer = endpoint;
            CountDownLatch started = inLookup;
            if (started != null) {
                inLookup = null;
                started.countDown();
                try {
                    assertThat(release.await(30, TimeUnit.SECONDS)).as("released").isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            if (failure != null) {
                throw failure;
            }
            return answer;
        }

        @Override
        public String backendName() {
            return "movable";
        }

        @Override
        public KubernetesClient client() {
            throw new UnsupportedOperationException("no Kubernetes API in this test");
        }

        @Override
        public void close() {
        }
    }
}

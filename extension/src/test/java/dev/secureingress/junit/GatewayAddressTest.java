package dev.secureingress.junit;

import dev.secureingress.client.IngressClient;
import dev.secureingress.cluster.IngressCluster;
import dev.secureingress.ingress.IngressNames;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.ingress.IngressReadiness;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the embedded backend: a class looks its gateway address up once for all its clients, and afresh
 * once the Gateway or its Secrets change. The class under test runs on a cluster that counts lookups.
 */
@SecureIngressTest(backend = "embedded")
class GatewayAddressTest {

    private static final String HOST = "httpbin.example.com";
    private static final String TEAPOT = "https://" + HOST + "/status/418";

    /** The settings of the class under test. */
    @SecureIngressTest(backend = "embedded", fixtures = "httpbin",
            hosts = @IngressHost(name = HOST, backend = "httpbin:8000", paths = "/status"))
    private static final class Declared {
    }

    private static CountingLookups cluster;
    private static SecureIngress ingress;

    @BeforeAll
    static void setUpOnACountingCluster(IngressCluster shared) {
        cluster = new CountingLookups(shared);
        SecureIngressSettings settings = new SettingsResolver(Declared.class.getAnnotation(SecureIngressTest.class),
                "GatewayAddressTest", GatewayAddressTest.class.getClassLoader(), key -> key.equals(SettingsResolver.DIAGNOSTICS_DIR)
                ? Optional.of(EngineRuns.DIAGNOSTICS.toString()) : Optional.empty()).resolve();
        ingress = new SecureIngress(cluster, settings, IngressNames.forOwner(settings.namespacePrefix(), "GatewayAddress"));
        ingress.setUp(GatewayAddressTest.class.getName());
    }

    @AfterAll
    static void tearDown() {
        if (ingress != null) {
            ingress.tearDown();
        }
    }

    @Test
    void theClientsOfAClassShareOneLookup() {
        int before = cluster.lookups.get();
        for (int i = 0; i < 5; i++) {
            try (IngressClient client = ingress.client()) {
                assertThat(client.get(TEAPOT).status()).isEqualTo(418);
            }
        }
        assertThat(cluster.lookups.get() - before).as("lookups for five clients").isLessThanOrEqualTo(1);
    }

    @Test
    void aRotationMakesTheNextClientLookTheAddressUpAgain() {
        ingress.rotate(HOST).toNewLeaf().deleteAndCreate().apply();
        int afterRotation = cluster.lookups.get();

        for (int i = 0; i < 2; i++) {
            try (IngressClient client = ingress.client()) {
                assertThat(client.get(TEAPOT).status()).isEqualTo(418);
            }
        }

        assertThat(cluster.lookups.get() - afterRotation).as("lookups for two clients after the rotation").isEqualTo(1);
    }

    @Test
    void aGatewayCreatedAgainIsReachedAtItsNewAddress() {
        InetSocketAddress before = ingress.gatewayAddress();
        Gateway again = createAgain(ingress.kubernetes(), ingress.namespace(), ingress.gatewayName());

        ingress.awaitReady(List.of(again));

        InetSocketAddress now = ingress.gatewayAddress();
        assertThat(now).as("the address of the Gateway created again (before: %s)", before)
                .isEqualTo(cluster.delegate.gatewayEndpoint(ingress.namespace(), ingress.gatewayName(), 443));
        ingress.awaitServing(HOST, "/status");
        try (IngressClient client = ingress.client()) {
            assertThat(client.get(TEAPOT).status()).isEqualTo(418);
        }
    }

    @Test
    void afterAFailedTestTheNextOneLooksTheAddressUpAgain() {
        EngineExecutionResults results = EngineRuns.run(MovedBehindItsBack.class);

        assertThat(EngineRuns.onlyFailure(results)).hasMessageContaining("fails after moving the gateway");
        results.testEvents().assertStatistics(stats -> stats.succeeded(1).failed(1));
        assertThat(MovedBehindItsBack.SEEN.get("remembered")).as("address after the move, before the failure")
                .isEqualTo(MovedBehindItsBack.SEEN.get("before"));
        assertThat(MovedBehindItsBack.SEEN.get("next")).as("address in the next test")
                .isEqualTo(MovedBehindItsBack.SEEN.get("moved"));
    }

    /**
     * Moves its Gateway without the handle knowing (created again through the Kubernetes API), then
     * fails; the next test's client must go to the new address.
     */
    @SecureIngressTest(fixtures = "httpbin", hosts = @IngressHost(name = HOST, backend = "httpbin:8000", paths = "/status"))
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class MovedBehindItsBack {
        static final Map<String, InetSocketAddress> SEEN = new ConcurrentHashMap<>();

        @Test
        @Order(1)
        void failsAfterMovingTheGateway(SecureIngress ingress, IngressCluster cluster) {
            InetSocketAddress before = ingress.gatewayAddress();
            SEEN.put("before", before);
            createAgain(ingress.kubernetes(), ingress.namespace(), ingress.gatewayName());
            new IngressReadiness(ingress.kubernetes(), ingress.settings().readyTimeout())
                    .awaitGateway(ingress.namespace(), ingress.gatewayName());
            SEEN.put("moved", BoundedWait.<InetSocketAddress>forState("the Gateway created again to get a new address")
                    .atMost(ingress.settings().readyTimeout())
                    .until(() -> cluster.gatewayEndpoint(ingress.namespace(), ingress.gatewayName(), 443),
                            address -> !address.equals(before)));
            SEEN.put("remembered", ingress.gatewayAddress());
            throw new AssertionError("this test fails after moving the gateway");
        }

        @Test
        @Order(2)
        void reachesTheGatewayAtItsNewAddress(SecureIngress ingress, IngressClient client) {
            SEEN.put("next", client.gatewayEndpoint(HOST, 443));
            BoundedWait.<Integer>forState("the teapot through the Gateway created again")
                    .atMost(ingress.settings().readyTimeout())
                    .pollEvery(Duration.ofMillis(100))
                    .until(() -> client.get(TEAPOT).status(), status -> status == 418);
        }
    }

    /** Deletes the Gateway and creates it again with the same name and spec, through the Kubernetes API. */
    private static Gateway createAgain(KubernetesClient kubernetes, String namespace, String name) {
        Gateway gateway = kubernetes.resources(Gateway.class).inNamespace(namespace).withName(name).get();
        kubernetes.resource(gateway).delete();
        BoundedWait.<Boolean>forState("Gateway " + namespace + "/" + name + " to be deleted")
                .until(() -> kubernetes.resources(Gateway.class).inNamespace(namespace).withName(name).get() == null,
                        gone -> gone);
        return kubernetes.resource(new GatewayBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                .withLabels(gateway.getMetadata().getLabels()).endMetadata()
                .withSpec(gateway.getSpec()).build()).create();
    }

    /** The shared cluster, counting gateway lookups. */
    private static final class CountingLookups implements IngressCluster {
        final IngressCluster delegate;
        final AtomicInteger lookups = new AtomicInteger();

        CountingLookups(IngressCluster delegate) {
            this.delegate = delegate;
        }

        @Override
        public InetSocketAddress gatewayEndpoint(String namespace, String gatewayName, int listenerPort) {
            lookups.incrementAndGet();
            return delegate.gatewayEndpoint(namespace, gatewayName, listenerPort);
        }

        @Override
        public String backendName() {
            return delegate.backendName();
        }

        @Override
        public KubernetesClient client() {
            return delegate.client();
        }

        @Override
        public Map<String, String> labels() {
            return delegate.labels();
        }

        @Override
        public void writeDiagnostics(String namespace, Path directory) {
            delegate.writeDiagnostics(namespace, directory);
        }

        @Override
        public void close() {
            // the shared cluster is closed by the extension
        }
    }
}

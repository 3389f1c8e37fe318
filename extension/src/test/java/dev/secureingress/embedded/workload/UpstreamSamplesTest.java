package dev.secureingress.embedded.workload;

import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.cluster.FixtureDeployer;
import dev.secureingress.ingress.IngressApplier;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Public manifests applied unmodified: Istio's httpbin and helloworld samples and the Gateway API conformance
 * base manifests. They are read from {@code -Dsecureingress.upstream.dir} (default {@code /work/shared/upstream});
 * the tests are skipped when the files are not there.
 */
class UpstreamSamplesTest {

    private static final Path UPSTREAM = Path.of(System.getProperty("secureingress.upstream.dir", "/work/shared/upstream"));
    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    static final WorkloadsForClass workloads = new WorkloadsForClass();

    @BeforeAll
    static void needsTheUpstreamManifests() {
        assumeTrue(Files.isDirectory(UPSTREAM), "upstream manifests not found at " + UPSTREAM
                + " (set -Dsecureingress.upstream.dir to a copy of the public Istio samples and Gateway API conformance manifests)");
    }

    private static String read(String relative) throws IOException {
        Path file = UPSTREAM.resolve(relative);
        assumeTrue(Files.isRegularFile(file), "upstream manifest " + file + " not found");
        return Files.readString(file);
    }

    private static IngressApplier applierInNewNamespace() {
        String ns = "up-" + UUID.randomUUID().toString().substring(0, 8);
        IngressApplier applier = new IngressApplier(workloads.client(), ns);
        applier.createNamespace(ns, UpstreamSamplesTest.class.getSimpleName());
        return applier;
    }

    @Test
    void istioHttpbinSampleServesThroughItsService() throws IOException {
        IngressApplier applier = applierInNewNamespace();
        applier.applyYaml(read("istio-samples/httpbin.yaml"), "istio-samples/httpbin.yaml");

        new FixtureDeployer(workloads.client()).timeout(WAIT).awaitAvailable(applier.defaultNamespace(), "httpbin");
        Endpoints endpoints = WorkloadControllerTest.awaitEndpoints(workloads.client(), applier.defaultNamespace(), "httpbin", 1);
        InetSocketAddress endpoint = WorkloadControllerTest.endpointSockets(endpoints).get(0);
        assertThat(HttpCheck.get(endpoint, "/status/418").status()).isEqualTo(418);
        assertThat(HttpCheck.get(endpoint, "/status/418").body()).isEqualTo("I'm a teapot!");
    }

    @Test
    void istioHelloworldSampleRunsBothVersionsBehindOneService() throws IOException {
        IngressApplier applier = applierInNewNamespace();
        applier.applyYaml(read("istio-samples/helloworld.yaml"), "istio-samples/helloworld.yaml");
        String ns = applier.defaultNamespace();

        new FixtureDeployer(workloads.client()).timeout(WAIT).awaitAvailable(ns, "helloworld-v1");
        new FixtureDeployer(workloads.client()).timeout(WAIT).awaitAvailable(ns, "helloworld-v2");
        Endpoints endpoints = WorkloadControllerTest.awaitEndpoints(workloads.client(), ns, "helloworld", 2);
        List<String> answers = WorkloadControllerTest.endpointSockets(endpoints).stream()
                .map(s -> HttpCheck.get(s, "/hello").body()).sorted().toList();
        assertThat(answers).hasSize(2);
        assertThat(answers.get(0)).startsWith("Hello version: v1, instance: helloworld-v1-");
        assertThat(answers.get(1)).startsWith("Hello version: v2, instance: helloworld-v2-");
    }

    @Test
    void conformanceBaseManifestsGiveReadyEchoBackends() throws IOException {
        IngressApplier applier = new IngressApplier(workloads.client(), "default");
        applier.applyYaml(read("gateway-api-conformance/base-manifests.yaml"), "gateway-api-conformance/base-manifests.yaml");

        for (String deployment : List.of("infra-backend-v1", "infra-backend-v2", "infra-backend-v3", "tls-backend")) {
            Deployment available = new FixtureDeployer(workloads.client()).timeout(WAIT).awaitAvailable("gateway-conformance-infra", deployment);
            assertThat(available.getStatus().getReadyReplicas()).isEqualTo(available.getSpec().getReplicas());
        }
        new FixtureDeployer(workloads.client()).timeout(WAIT).awaitAvailable("gateway-conformance-app-backend", "app-backend-v1");
        new FixtureDeployer(workloads.client()).timeout(WAIT).awaitAvailable("gateway-conformance-web-backend", "web-backend");

        Endpoints infraV1 = WorkloadControllerTest.awaitEndpoints(workloads.client(), "gateway-conformance-infra", "infra-backend-v1", 2);
        assertThat(infraV1.getSubsets()).singleElement().satisfies(subset ->
                assertThat(subset.getPorts()).extracting(p -> p.getName()).containsExactlyInAnyOrder("first-port", "second-port", "third-port"));
        InetSocketAddress echo = WorkloadControllerTest.endpointSockets(infraV1).get(0);
        String body = HttpCheck.get(echo, "/conformance?probe=1").body();
        assertThat(body).contains("\"namespace\":\"gateway-conformance-infra\"", "\"pod\":\"infra-backend-v1-", "\"path\":\"/conformance?probe=1\"");

        Pod coredns = BoundedWait.<List<Pod>>forState("the coredns pod to report why it does not run").atMost(WAIT)
                .until(() -> workloads.client().pods().inNamespace("gateway-conformance-infra").withLabel("app", "udp").list().getItems(),
                        pods -> pods.size() == 1 && pods.get(0).getStatus() != null && pods.get(0).getStatus().getContainerStatuses() != null
                                && !pods.get(0).getStatus().getContainerStatuses().isEmpty())
                .get(0);
        assertThat(coredns.getStatus().getContainerStatuses().get(0).getState().getWaiting().getMessage())
                .startsWith("image registry.k8s.io/coredns/coredns:v1.12.2 has no embedded stand-in; register one with");
    }
}

package dev.secureingress.embedded;

import dev.secureingress.embedded.api.ApiServerForClass;
import dev.secureingress.embedded.dataplane.NettyDataPlane;
import dev.secureingress.embedded.dataplane.PortPolicy;
import dev.secureingress.embedded.gateway.GatewayController;
import dev.secureingress.embedded.watch.SharedInformers;
import dev.secureingress.embedded.workload.WorkloadController;
import dev.secureingress.fixtures.StandIns;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The workload and gateway controllers over one set of {@link SharedInformers}, as {@link EmbeddedCluster} starts them. */
class ControllersShareInformersTest {

    private static final List<String> SHARED_KINDS = List.of("/api/v1/services", "/api/v1/namespaces",
            "/api/v1/endpoints", "/apis/discovery.k8s.io/v1/endpointslices", "/apis/apps/v1/deployments");

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();
    private static NettyDataPlane dataPlane;

    @BeforeAll
    static void start() {
        dataPlane = NettyDataPlane.builder().portPolicy(PortPolicy.EPHEMERAL).build();
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
    }

    @Test
    void bothControllersTogetherListAndWatchEachKindOnce() {
        List<String> requests = new CopyOnWriteArrayList<>();

        try (KubernetesClient client = recordingClient(requests);
             SharedInformers shared = SharedInformers.open(client);
             WorkloadController workloads = WorkloadController.builder(client).standIns(StandIns.withDefaults())
                     .sharedInformers(shared).build().start();
             GatewayController gateways = GatewayController.start(client, dataPlane, shared)) {

            Map<String, Long> lists = countByPath(requests, false);
            Map<String, Long> watches = countByPath(requests, true);
            for (String kind : SHARED_KINDS) {
                assertThat(lists).as("lists of %s in %s", kind, requests).containsEntry(kind, 1L);
                assertThat(watches).as("watches of %s in %s", kind, requests).containsEntry(kind, 1L);
            }
            assertThat(watches).as("every kind is watched once: %s", requests).allSatisfy((path, count) ->
                    assertThat(count).as(path).isEqualTo(1L));
        }
    }

    @Test
    void theSharedInformersOutliveTheControllersThatReadThem() {
        KubernetesClient client = api.server().inProcessClient();
        try (SharedInformers shared = SharedInformers.open(client)) {
            WorkloadController.builder(client).sharedInformers(shared).build().start().close();
            GatewayController.start(client, dataPlane, shared).close();

            assertThat(List.of(shared.services(), shared.namespaces(), shared.endpoints(), shared.endpointSlices()))
                    .allSatisfy(informer -> assertThat(informer.isRunning())
                            .as(informer.getApiTypeClass().getSimpleName()).isTrue());
            assertThat(shared.namespaces().getStore().getByKey("default")).isNotNull();
        }
    }

    /** How many GET requests went to each path, watches ({@code watch=true}) or lists. */
    private static Map<String, Long> countByPath(List<String> requests, boolean watch) {
        return requests.stream()
                .filter(request -> request.startsWith("GET "))
                .filter(request -> request.contains("watch=true") == watch)
                .map(request -> request.substring("GET ".length()).replaceFirst("\\?.*", ""))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    /** An in-process client of the API server that adds each request it sends ("GET /api/v1/services?...") to {@code requests}. */
    private static KubernetesClient recordingClient(List<String> requests) {
        KubernetesClient inProcessClient = api.server().inProcessClient();
        HttpClient inProcess = inProcessClient.getHttpClient();
        Interceptor recorder = new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                String query = request.uri().getRawQuery();
                requests.add(request.method() + " " + request.uri().getRawPath() + (query == null ? "" : "?" + query));
            }
        };
        // an in-process client derives full builders (fabric8's StandardHttpClientBuilder)
        HttpClient.Factory recording = () -> ((HttpClient.Builder) inProcess.newBuilder())
                .addOrReplaceInterceptor("recorder", recorder);
        return new KubernetesClientBuilder().withConfig(inProcessClient.getConfiguration())
                .withHttpClientFactory(recording).build();
    }
}

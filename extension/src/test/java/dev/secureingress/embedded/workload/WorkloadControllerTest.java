package dev.secureingress.embedded.workload;

import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.cluster.FixtureDeployer;
import dev.secureingress.cluster.WaitTimeoutException;
import dev.secureingress.fixtures.Fixture;
import dev.secureingress.fixtures.StandInResponse;
import dev.secureingress.fixtures.StandIns;
import dev.secureingress.ingress.IngressApplier;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The workload controller against the embedded API server, driven through fabric8 as a user would. */
class WorkloadControllerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final WorkloadsForClass workloads = new WorkloadsForClass();

    private static String newNamespace() {
        String name = "wl-" + UUID.randomUUID().toString().substring(0, 8);
        new IngressApplier(workloads.client(), name).createNamespace(name, WorkloadControllerTest.class.getSimpleName());
        return name;
    }

    private static FixtureDeployer deployer() {
        return new FixtureDeployer(workloads.client()).timeout(WAIT);
    }

    private static boolean loopbackRange() {
        return workloads.controller().podAddressing() == PodAddressing.LOOPBACK_RANGE;
    }

    @Test
    void httpbinFixtureRunsOnItsPodAddressWithEndpointsAndSlices() {
        String ns = newNamespace();
        Deployment deployment = deployer().deploy(Fixture.HTTPBIN, ns);

        assertThat(deployment.getStatus().getReadyReplicas()).isEqualTo(1);
        assertThat(deployment.getStatus().getAvailableReplicas()).isEqualTo(1);
        assertThat(deployment.getStatus().getUpdatedReplicas()).isEqualTo(1);
        assertThat(deployment.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
                .contains("Available=True", "Progressing=True");
        Pod pod = onlyPod(ns, "app", "httpbin");
        assertThat(pod.getMetadata().getName()).matches("httpbin-[bcdfghjklmnpqrstvwxz2456789]+-[bcdfghjklmnpqrstvwxz2456789]{5}");
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind()).isEqualTo("ReplicaSet"));
        assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
        assertThat(pod.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
                .containsExactlyInAnyOrder("PodScheduled=True", "Initialized=True", "ContainersReady=True", "Ready=True");
        assertThat(pod.getStatus().getContainerStatuses()).singleElement().satisfies(c -> {
            assertThat(c.getReady()).isTrue();
            assertThat(c.getState().getRunning()).isNotNull();
        });
        if (loopbackRange()) {
            assertThat(pod.getStatus().getPodIP()).startsWith("127.244.");
        }

        Endpoints endpoints = awaitEndpoints(ns, "httpbin", 1);
        EndpointAddress address = endpoints.getSubsets().get(0).getAddresses().get(0);
        assertThat(address.getIp()).isEqualTo(pod.getStatus().getPodIP());
        assertThat(address.getTargetRef().getName()).isEqualTo(pod.getMetadata().getName());
        int port = endpoints.getSubsets().get(0).getPorts().get(0).getPort();
        if (loopbackRange()) {
            assertThat(port).isEqualTo(8080);
        }
        assertThat(endpoints.getSubsets().get(0).getPorts().get(0).getName()).isEqualTo("http");
        List<EndpointSlice> slices = awaitSlices(ns, "httpbin", 1);
        assertThat(slices).singleElement().satisfies(slice -> {
            assertThat(slice.getEndpoints()).singleElement().satisfies(e -> {
                assertThat(e.getAddresses()).containsExactly(pod.getStatus().getPodIP());
                assertThat(e.getConditions().getReady()).isTrue();
            });
            assertThat(slice.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(port));
        });

        HttpCheck.Response teapot = HttpCheck.get(address.getIp(), port, "/status/418", "httpbin.example.com");
        assertThat(teapot.status()).isEqualTo(418);
        assertThat(teapot.body()).isEqualTo("I'm a teapot!");
    }

    @Test
    void scalingUpAndDownStartsAndStopsPods() {
        String ns = newNamespace();
        deployer().deploy(Fixture.HELLOWORLD_V1, ns);

        workloads.client().apps().deployments().inNamespace(ns).withName("helloworld-v1").scale(3);
        awaitReady(ns, "helloworld-v1", 3);
        Endpoints three = awaitEndpoints(ns, "helloworld", 3);
        Set<String> ips = three.getSubsets().get(0).getAddresses().stream().map(EndpointAddress::getIp).collect(Collectors.toSet());
        if (loopbackRange()) {
            assertThat(ips).as("each pod has its own address").hasSize(3);
        }
        List<InetSocketAddress> endpointsBefore = endpointSockets(three);
        for (InetSocketAddress endpoint : endpointsBefore) {
            assertThat(HttpCheck.get(endpoint, "/hello").body()).startsWith("Hello version: v1, instance: helloworld-v1-");
        }

        workloads.client().apps().deployments().inNamespace(ns).withName("helloworld-v1").scale(1);
        awaitReady(ns, "helloworld-v1", 1);
        Endpoints one = awaitEndpoints(ns, "helloworld", 1);
        List<InetSocketAddress> remaining = endpointSockets(one);
        assertThat(workloads.client().pods().inNamespace(ns).withLabel("app", "helloworld").list().getItems()).hasSize(1);
        for (InetSocketAddress stopped : endpointsBefore) {
            if (!remaining.contains(stopped)) {
                assertRefused(stopped);
            }
        }
    }

    @Test
    void deletedDeploymentStopsItsStandInsAndFreesTheirPorts() throws Exception {
        String ns = newNamespace();
        deployer().deploy(Fixture.HTTPBIN, ns);
        InetSocketAddress endpoint = endpointSockets(awaitEndpoints(ns, "httpbin", 1)).get(0);
        assertThat(HttpCheck.get(endpoint, "/status/200").status()).isEqualTo(200);

        workloads.client().apps().deployments().inNamespace(ns).withName("httpbin").delete();

        BoundedWait.<List<Pod>>forState("pods of deleted Deployment " + ns + "/httpbin to be gone").atMost(WAIT)
                .until(() -> workloads.client().pods().inNamespace(ns).list().getItems(), List::isEmpty);
        // the controller deletes the pods, then their ReplicaSet
        BoundedWait.<List<ReplicaSet>>forState("ReplicaSets of deleted Deployment " + ns + "/httpbin to be gone")
                .atMost(WAIT).until(() -> workloads.client().apps().replicaSets().inNamespace(ns).list().getItems(), List::isEmpty);
        awaitEndpoints(ns, "httpbin", 0);
        assertRefused(endpoint);
        if (loopbackRange()) {
            try (ServerSocket rebound = new ServerSocket()) {
                rebound.bind(endpoint);
                assertThat(rebound.getLocalSocketAddress()).isEqualTo(endpoint);
            }
        }
    }

    @Test
    void deletedNamespaceTakesItsWorkloadsAlong() {
        String ns = newNamespace();
        deployer().deploy(Fixture.HELLOWORLD_V1, ns);
        InetSocketAddress endpoint = endpointSockets(awaitEndpoints(ns, "helloworld", 1)).get(0);

        workloads.client().namespaces().withName(ns).delete();

        BoundedWait.<List<Deployment>>forState("Deployments of deleted namespace " + ns + " to be gone").atMost(WAIT)
                .until(() -> workloads.client().apps().deployments().inNamespace(ns).list().getItems(), List::isEmpty);
        BoundedWait.<List<Pod>>forState("pods of deleted namespace " + ns + " to be gone").atMost(WAIT)
                .until(() -> workloads.client().pods().inNamespace(ns).list().getItems(), List::isEmpty);
        BoundedWait.<Boolean>forState("helloworld's port " + endpoint + " to close").atMost(WAIT)
                .until(() -> isRefused(endpoint), refused -> refused);
    }

    @Test
    void deletedPodIsReplacedByANewOne() {
        String ns = newNamespace();
        deployer().deploy(Fixture.HELLOWORLD_V2, ns);
        Pod first = onlyPod(ns, "app", "helloworld");

        workloads.client().pods().inNamespace(ns).withName(first.getMetadata().getName()).delete();

        Pod replacement = BoundedWait.<List<Pod>>forState("a ready replacement for pod " + first.getMetadata().getName())
                .atMost(WAIT)
                .until(() -> workloads.client().pods().inNamespace(ns).withLabel("app", "helloworld").list().getItems(),
                        pods -> pods.size() == 1 && !pods.get(0).getMetadata().getName().equals(first.getMetadata().getName())
                                && DeploymentReconciler.isReady(pods.get(0)))
                .get(0);
        deployer().awaitAvailable(ns, "helloworld-v2");
        Endpoints endpoints = BoundedWait.<Endpoints>forState("Endpoints helloworld to list only " + replacement.getMetadata().getName())
                .atMost(WAIT)
                .until(() -> workloads.client().endpoints().inNamespace(ns).withName("helloworld").get(),
                        e -> e.getSubsets().size() == 1 && e.getSubsets().get(0).getAddresses().size() == 1
                                && e.getSubsets().get(0).getAddresses().get(0).getTargetRef().getName()
                                .equals(replacement.getMetadata().getName()));
        InetSocketAddress endpoint = endpointSockets(endpoints).get(0);
        assertThat(HttpCheck.get(endpoint, "/hello").body())
                .isEqualTo("Hello version: v2, instance: " + replacement.getMetadata().getName() + "\n");
    }

    @Test
    void unknownImageLeavesThePodNotReadyWithAReasonAndAnEvent() {
        String ns = newNamespace();
        workloads.client().apps().deployments().inNamespace(ns).resource(deployment("mystery", "example.com/mystery-app:3.1", 9000)).create();

        Pod pod = BoundedWait.<List<Pod>>forState("pod of Deployment mystery to report its waiting reason").atMost(WAIT)
                .until(() -> workloads.client().pods().inNamespace(ns).withLabel("app", "mystery").list().getItems(),
                        pods -> pods.size() == 1 && pods.get(0).getStatus() != null
                                && pods.get(0).getStatus().getContainerStatuses() != null
                                && !pods.get(0).getStatus().getContainerStatuses().isEmpty())
                .get(0);
        assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(DeploymentReconciler.isReady(pod)).isFalse();
        var waiting = pod.getStatus().getContainerStatuses().get(0).getState().getWaiting();
        assertThat(waiting.getReason()).isEqualTo("NoEmbeddedStandIn");
        assertThat(waiting.getMessage()).isEqualTo("image example.com/mystery-app:3.1 has no embedded stand-in; register one with"
                + " StandIns.register(\"example.com/mystery-app\", handler) or StandIns.registerLocalPort(\"example.com/mystery-app\", port)");
        List<Event> events = BoundedWait.<List<Event>>forState("a Warning event about pod " + pod.getMetadata().getName())
                .atMost(WAIT)
                .until(() -> workloads.client().v1().events().inNamespace(ns).list().getItems().stream()
                        .filter(e -> pod.getMetadata().getName().equals(e.getInvolvedObject().getName())
                                && "Warning".equals(e.getType())).toList(), e -> !e.isEmpty());
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getReason()).isEqualTo("Failed");
            assertThat(e.getMessage()).contains("has no embedded stand-in");
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("Pod");
            assertThat(e.getInvolvedObject().getFieldPath()).isEqualTo("spec.containers{mystery}");
            assertThat(e.getSource().getComponent()).isEqualTo("kubelet");
        });

        assertThatThrownBy(() -> new FixtureDeployer(workloads.client()).timeout(Duration.ofSeconds(2)).awaitAvailable(ns, "mystery"))
                .isInstanceOf(WaitTimeoutException.class)
                .hasMessageContaining("Deployment " + ns + "/mystery to be Available")
                .hasMessageContaining("Available=False")
                .hasMessageContaining("NoEmbeddedStandIn")
                .hasMessageContaining("has no embedded stand-in");
    }

    @Test
    void userRegisteredImageServesItsHandlerEvenWhenRegisteredAfterStart() {
        String ns = newNamespace();
        workloads.standIns().register("example.com/greeter", request ->
                StandInResponse.text(200, "hi from " + request.container().podName() + "\n"));
        workloads.client().apps().deployments().inNamespace(ns).resource(deployment("greeter", "example.com/greeter:1.0", 9000)).create();
        workloads.client().services().inNamespace(ns).resource(new ServiceBuilder()
                .withNewMetadata().withName("greeter").endMetadata()
                .withNewSpec().addToSelector("app", "greeter")
                .addNewPort().withName("http").withPort(80).withNewTargetPort("web").endPort()
                .endSpec().build()).create();

        deployer().awaitAvailable(ns, "greeter");
        Endpoints endpoints = awaitEndpoints(ns, "greeter", 1);
        Pod pod = onlyPod(ns, "app", "greeter");
        if (loopbackRange()) {
            assertThat(endpoints.getSubsets().get(0).getPorts().get(0).getPort()).as("named targetPort 'web' resolved").isEqualTo(9000);
        }
        assertThat(HttpCheck.get(endpointSockets(endpoints).get(0), "/").body())
                .isEqualTo("hi from " + pod.getMetadata().getName() + "\n");
    }

    @Test
    void serviceSelectsOnlyMatchingPodsAndListsNotReadyOnesSeparately() {
        String ns = newNamespace();
        deployer().deploy(Fixture.HELLOWORLD_V1, ns);
        deployer().deploy(Fixture.HELLOWORLD_V2, ns);
        workloads.client().services().inNamespace(ns).resource(new ServiceBuilder()
                .withNewMetadata().withName("helloworld-v2-only").endMetadata()
                .withNewSpec().addToSelector(Map.of("app", "helloworld", "version", "v2"))
                .addNewPort().withPort(5000).endPort().endSpec().build()).create();
        workloads.client().apps().deployments().inNamespace(ns).resource(new DeploymentBuilder(deployment("broken", "example.com/none:1", 5000))
                .editSpec().editTemplate().editMetadata().addToLabels("app", "helloworld").addToLabels("version", "v3")
                .endMetadata().endTemplate().editSelector().addToMatchLabels("version", "v3").endSelector().endSpec()
                .build()).create();

        Endpoints both = BoundedWait.<Endpoints>forState("Endpoints helloworld with 2 ready and 1 not-ready address").atMost(WAIT)
                .until(() -> workloads.client().endpoints().inNamespace(ns).withName("helloworld").get(),
                        e -> e.getSubsets().size() == 1 && e.getSubsets().get(0).getAddresses().size() == 2
                                && e.getSubsets().get(0).getNotReadyAddresses().size() == 1);
        Set<String> versions = endpointSockets(both).stream().map(s -> HttpCheck.get(s, "/hello").body().substring(0, 17))
                .collect(Collectors.toSet());
        assertThat(versions).containsExactlyInAnyOrder("Hello version: v1", "Hello version: v2");
        Endpoints v2 = awaitEndpoints(ns, "helloworld-v2-only", 1);
        assertThat(HttpCheck.get(endpointSockets(v2).get(0), "/hello").body()).startsWith("Hello version: v2");
        List<EndpointSlice> slices = awaitSlices(ns, "helloworld", 3);
        assertThat(slices).singleElement().satisfies(slice -> assertThat(slice.getEndpoints())
                .extracting(e -> e.getConditions().getReady()).containsExactlyInAnyOrder(true, true, false));
    }

    @Test
    void barePodRunsAndIsNotRecreatedWhenDeleted() {
        String ns = newNamespace();
        workloads.client().pods().inNamespace(ns).resource(new PodBuilder()
                .withNewMetadata().withName("echo").addToLabels("app", "echo").endMetadata()
                .withNewSpec().addNewContainer().withName("echo").withImage("registry.k8s.io/gateway-api/echo-basic:v1.5.1")
                .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("NAMESPACE").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef().endValueFrom().endEnv()
                .endContainer().endSpec().build()).create();

        workloads.client().services().inNamespace(ns).resource(new ServiceBuilder()
                .withNewMetadata().withName("echo").endMetadata()
                .withNewSpec().addToSelector("app", "echo").addNewPort().withPort(80).withNewTargetPort(3000).endPort()
                .endSpec().build()).create();

        BoundedWait.<Pod>forState("bare pod " + ns + "/echo to be Ready").atMost(WAIT)
                .until(() -> workloads.client().pods().inNamespace(ns).withName("echo").get(), DeploymentReconciler::isReady);
        InetSocketAddress endpoint = endpointSockets(awaitEndpoints(ns, "echo", 1)).get(0);
        String body = HttpCheck.get(endpoint, "/any?x=1").body();
        assertThat(body).contains("\"pod\":\"echo\"", "\"namespace\":\"" + ns + "\"", "\"path\":\"/any?x=1\"");

        workloads.client().pods().inNamespace(ns).withName("echo").delete();
        BoundedWait.<List<Pod>>forState("no pods in " + ns).atMost(WAIT)
                .until(() -> workloads.client().pods().inNamespace(ns).list().getItems(), List::isEmpty);
        BoundedWait.<Boolean>forState("echo's port to close").atMost(WAIT).until(() -> isRefused(endpoint), refused -> refused);
        assertThat(workloads.client().pods().inNamespace(ns).list().getItems()).isEmpty();
    }

    @Test
    void serviceWithoutSelectorKeepsTheUsersEndpoints() {
        String ns = newNamespace();
        workloads.client().services().inNamespace(ns).resource(new ServiceBuilder()
                .withNewMetadata().withName("external").endMetadata()
                .withNewSpec().addNewPort().withPort(443).endPort().endSpec().build()).create();
        workloads.client().endpoints().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.EndpointsBuilder()
                .withNewMetadata().withName("external").endMetadata()
                .addNewSubset().addNewAddress().withIp("203.0.113.9").endAddress().addNewPort().withPort(443).endPort().endSubset()
                .build()).create();
        deployer().deploy(Fixture.HTTPBIN, ns);
        awaitEndpoints(ns, "httpbin", 1);

        Endpoints external = workloads.client().endpoints().inNamespace(ns).withName("external").get();
        assertThat(external.getSubsets().get(0).getAddresses().get(0).getIp()).isEqualTo("203.0.113.9");
    }

    // ---------------------------------------------------------------------------------------------------

    static Deployment deployment(String name, String image, int containerPort) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName(name).withImage(image)
                .addNewPort().withName("web").withContainerPort(containerPort).endPort()
                .endContainer().endSpec().endTemplate().endSpec().build();
    }

    private static Pod onlyPod(String ns, String label, String value) {
        List<Pod> pods = workloads.client().pods().inNamespace(ns).withLabel(label, value).list().getItems();
        assertThat(pods).as("pods labelled %s=%s in %s", label, value, ns).hasSize(1);
        return pods.get(0);
    }

    private static void awaitReady(String ns, String deployment, int replicas) {
        BoundedWait.<Deployment>forState("Deployment " + ns + "/" + deployment + " with " + replicas + " ready replicas")
                .atMost(WAIT)
                .describedBy(d -> String.valueOf(d.getStatus()))
                .until(() -> workloads.client().apps().deployments().inNamespace(ns).withName(deployment).get(),
                        d -> d.getStatus() != null && Integer.valueOf(replicas).equals(d.getStatus().getReadyReplicas())
                                && Integer.valueOf(replicas).equals(d.getStatus().getReplicas()));
    }

    static Endpoints awaitEndpoints(KubernetesClient client, String ns, String service, int readyAddresses) {
        return BoundedWait.<Endpoints>forState("Endpoints " + ns + "/" + service + " with " + readyAddresses + " ready addresses")
                .atMost(WAIT)
                .until(() -> client.endpoints().inNamespace(ns).withName(service).get(),
                        e -> e.getSubsets().stream().mapToInt(s -> s.getAddresses().size()).sum() == readyAddresses
                                && e.getSubsets().stream().allMatch(s -> s.getNotReadyAddresses().isEmpty()));
    }

    private static List<EndpointSlice> awaitSlices(String ns, String service, int endpoints) {
        return BoundedWait.<List<EndpointSlice>>forState("EndpointSlices of " + ns + "/" + service + " with " + endpoints + " endpoints")
                .atMost(WAIT)
                .until(() -> workloads.client().discovery().v1().endpointSlices().inNamespace(ns)
                                .withLabel("kubernetes.io/service-name", service).list().getItems(),
                        slices -> slices.size() == 1 && slices.get(0).getEndpoints().size() == endpoints);
    }

    private static Endpoints awaitEndpoints(String ns, String service, int readyAddresses) {
        return awaitEndpoints(workloads.client(), ns, service, readyAddresses);
    }

    static List<InetSocketAddress> endpointSockets(Endpoints endpoints) {
        return endpoints.getSubsets().stream()
                .flatMap(s -> s.getAddresses().stream().map(a -> new InetSocketAddress(a.getIp(), s.getPorts().get(0).getPort())))
                .toList();
    }

    private static void assertRefused(InetSocketAddress endpoint) {
        assertThat(isRefused(endpoint)).as("connection to %s refused", endpoint).isTrue();
    }

    private static boolean isRefused(InetSocketAddress endpoint) {
        try (Socket socket = new Socket()) {
            socket.connect(endpoint, 5_000);
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (java.io.IOException other) {
            return false;
        }
    }
}

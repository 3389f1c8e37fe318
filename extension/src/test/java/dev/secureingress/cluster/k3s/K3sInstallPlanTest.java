package dev.secureingress.cluster.k3s;

import dev.secureingress.cluster.WaitTimeoutException;
import dev.secureingress.embedded.api.EmbeddedApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The k3s install plan run against an in-JVM API server, with the test playing the cluster's controllers. */
class K3sInstallPlanTest {

    private EmbeddedApiServer api;
    private KubernetesClient client;
    private ClusterStatusSimulator controllers;
    private K3sInstallPlan plan;

    @BeforeEach
    void start() {
        api = EmbeddedApiServer.start();
        client = api.client();
        controllers = new ClusterStatusSimulator(client).withoutNodes().withK3sCrds();
        plan = K3sInstallPlan.create(IstioInstallation.builder().build(),
                GatewayApiCrdSource.classpath(GatewayApiCrdSourceTest.TEST_CRDS), Duration.ofSeconds(1));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void appliesAndAwaitsInTheOrderIstioNeeds() {
        assertThat(plan.steps()).extracting(InstallStep::description).containsExactly(
                "every node to be Ready",
                "Gateway API v1.3.0 CRDs from classpath:/k3s/gateway-api-crds.yaml",
                "CRDs gatewayclasses.gateway.networking.k8s.io, gateways.gateway.networking.k8s.io, "
                        + "httproutes.gateway.networking.k8s.io, referencegrants.gateway.networking.k8s.io to be Established",
                "namespace istio-system and HelmChart istio-base (Istio 1.27.0)",
                "Job kube-system/helm-install-istio-base (HelmChart istio-base) to succeed",
                "GatewayClass istio defaults (gateway Service type ClusterIP) and HelmChart istiod",
                "Deployment istio-system/istiod to be Available",
                "GatewayClass istio to be Accepted");
        assertThat(plan.steps()).extracting(step -> step instanceof InstallStep.Apply ? "apply" : "await")
                .containsExactly("await", "apply", "await", "apply", "await", "apply", "await", "await");
        assertThat(plan.steps()).filteredOn(InstallStep.Await.class::isInstance)
                .allMatch(step -> ((InstallStep.Await) step).timeout().equals(Duration.ofSeconds(1)));
    }

    @Test
    void appliedResourcesAreTheCrdsThenBaseThenIstiod() {
        assertThat(plan.appliedResources()).extracting(r -> r.getKind() + " " + name(r)).containsExactly(
                "CustomResourceDefinition gatewayclasses.gateway.networking.k8s.io",
                "CustomResourceDefinition gateways.gateway.networking.k8s.io",
                "CustomResourceDefinition httproutes.gateway.networking.k8s.io",
                "CustomResourceDefinition referencegrants.gateway.networking.k8s.io",
                "Namespace istio-system",
                "HelmChart kube-system/istio-base",
                "ConfigMap istio-system/istio-gateway-class-defaults",
                "HelmChart kube-system/istiod");
    }

    @Test
    void eachWaitReportsTheStateItSawUntilTheControllersGetThere() {
        List<InstallStep> steps = plan.steps();

        // 1. node Ready
        controllers.nodeReady("k3s-node", "False");
        assertTimesOut(steps.get(0), "Timed out after 1000 ms waiting for every node to be Ready",
                "Ready=False (KubeletNotReady: kubelet says so)");
        controllers.nodeReady("k3s-node", "True");
        steps.get(0).run(client);

        // 2./3. CRDs applied, then Established
        steps.get(1).run(client);
        assertThat(client.apiextensions().v1().customResourceDefinitions().withName("gateways.gateway.networking.k8s.io")
                .get().getMetadata().getAnnotations()).containsEntry("gateway.networking.k8s.io/bundle-version", "v1.3.0");
        controllers.crdsNotEstablished(K3sInstallPlan.GATEWAY_API_CRDS);
        assertTimesOut(steps.get(2), "CustomResourceDefinition gatewayclasses.gateway.networking.k8s.io (generation 2): ",
                "Established=False (NotAccepted: not all names are accepted)");
        controllers.crdsEstablished(K3sInstallPlan.GATEWAY_API_CRDS);
        steps.get(2).run(client);

        // 4./5. base chart applied; istiod not yet; k3s' Helm job awaited
        steps.get(3).run(client);
        assertThat(helmChart("istio-base")).isNotNull();
        assertThat(helmChart("istiod")).as("istiod must wait for base's CRDs").isNull();
        assertTimesOut(steps.get(4), "Job kube-system/helm-install-istio-base (HelmChart istio-base) to succeed",
                "not found");
        controllers.jobSucceeded("kube-system", "helm-install-istio-base");
        steps.get(4).run(client);

        // 6./7. istiod applied, Deployment awaited
        steps.get(5).run(client);
        assertThat(helmChart("istiod")).isNotNull();
        assertThat(client.configMaps().inNamespace("istio-system").withName("istio-gateway-class-defaults").get()
                .getMetadata().getLabels()).containsEntry("gateway.istio.io/defaults-for-class", "istio");
        controllers.deploymentAvailable("istio-system", "istiod", "False");
        assertTimesOut(steps.get(6), "Deployment istio-system/istiod to be Available",
                "Available=False (MinimumReplicasUnavailable)", "ready 0");
        controllers.deploymentAvailable("istio-system", "istiod", "True");
        steps.get(6).run(client);

        // 8. GatewayClass istio Accepted (the class reads back with the CRD's default status until a controller writes one)
        assertTimesOut(steps.get(7), "GatewayClass istio to be Accepted",
                "Accepted=Unknown (Pending: Waiting for controller)");
        controllers.gatewayClassAccepted("istio");
        steps.get(7).run(client);
    }

    @Test
    void executeRunsEveryStepAndReportsEachWithItsDuration() throws Exception {
        controllers.nodeReady("k3s-node", "True");
        controllers.jobSucceeded("kube-system", "helm-install-istio-base");
        controllers.deploymentAvailable("istio-system", "istiod", "True");
        controllers.gatewayClassAccepted("istio");
        List<String> progress = new ArrayList<>();

        K3sInstallPlan patientPlan = K3sInstallPlan.create(IstioInstallation.builder().build(),
                GatewayApiCrdSource.classpath(GatewayApiCrdSourceTest.TEST_CRDS), Duration.ofSeconds(60));
        List<K3sInstallPlan.StepTiming> timings;
        try (AutoCloseable apiServer = controllers.establishCrdsWhenApplied()) {
            timings = patientPlan.execute(client, progress::add);
        }

        assertThat(timings).hasSize(8);
        assertThat(progress).hasSize(8);
        assertThat(progress.get(0)).matches("\\[1/8] done waiting for every node to be Ready in \\d+\\.\\d s");
        assertThat(progress.get(3)).matches("\\[4/8] applied namespace istio-system and HelmChart istio-base \\(Istio 1\\.27\\.0\\) in \\d+\\.\\d s");
        assertThat(progress.get(7)).startsWith("[8/8] done waiting for GatewayClass istio to be Accepted in ");
        assertThat(helmChart("istiod")).isNotNull();
    }

    @Test
    void executeStopsAtTheFirstWaitThatRunsOut() {
        List<String> progress = new ArrayList<>();
        assertThatThrownBy(() -> plan.execute(client, progress::add))
                .isInstanceOf(WaitTimeoutException.class)
                .hasMessageContaining("every node to be Ready; last seen: no nodes registered yet");
        assertThat(progress).isEmpty();
        assertThat(client.apiextensions().v1().customResourceDefinitions().withName("gateways.gateway.networking.k8s.io")
                .get().getMetadata().getAnnotations()).as("the embedded server's own CRDs are untouched")
                .doesNotContainEntry("gateway.networking.k8s.io/bundle-version", "v1.3.0");
    }

    private void assertTimesOut(InstallStep step, String... messageParts) {
        assertThat(step).isInstanceOf(InstallStep.Await.class);
        var thrown = assertThatThrownBy(() -> step.run(client)).isInstanceOf(WaitTimeoutException.class);
        for (String part : messageParts) {
            thrown.hasMessageContaining(part);
        }
    }

    private GenericKubernetesResource helmChart(String name) {
        return client.genericKubernetesResources(IstioInstallation.HELM_CHART).inNamespace("kube-system").withName(name).get();
    }

    private static String name(HasMetadata resource) {
        String namespace = resource.getMetadata().getNamespace();
        return (namespace == null ? "" : namespace + "/") + resource.getMetadata().getName();
    }
}

package dev.secureingress.cluster.kubeconfig;

import dev.secureingress.cluster.k3s.ClusterStatusSimulator;
import dev.secureingress.embedded.api.EmbeddedApiServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kubeconfig backend against an in-JVM API server reached through a real kubeconfig file. */
class KubeconfigClusterTest {

    @TempDir
    Path dir;
    private EmbeddedApiServer api;
    private KubernetesClient admin;
    private Path kubeconfig;

    @BeforeEach
    void start() throws Exception {
        api = EmbeddedApiServer.start();
        admin = api.client();
        kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, kubeconfigYaml(api));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void refusesAClusterWithoutIstioNamingWhatIsMissingAndHowToInstallIt() {
        assertThatThrownBy(() -> KubeconfigCluster.builder().kubeconfig(kubeconfig).start())
                .isInstanceOfSatisfying(MissingPrerequisitesException.class,
                        e -> assertThat(e.missing()).containsExactly("Istio is not installed: no Deployment istio-system/istiod"))
                .hasMessageContaining("The cluster at " + api.url())
                .hasMessageContaining("helm install istio-base base --repo https://istio-release.storage.googleapis.com/charts --version 1.27.0")
                .hasMessageContaining("-Dsecure-ingress.backend=embedded");
    }

    @Test
    void namesMissingGatewayApiCrdsAndAnIstiodThatIsNotAvailable() {
        admin.apiextensions().v1().customResourceDefinitions().withName("httproutes.gateway.networking.k8s.io").delete();
        admin.apiextensions().v1().customResourceDefinitions().withName("referencegrants.gateway.networking.k8s.io").delete();
        new ClusterStatusSimulator(admin).deploymentAvailable("istio-system", "istiod", "False", "docker.io/istio/pilot:1.25.2");

        assertThatThrownBy(() -> KubeconfigCluster.builder().kubeconfig(kubeconfig).start())
                .isInstanceOfSatisfying(MissingPrerequisitesException.class, e -> assertThat(e.missing()).containsExactly(
                        "Gateway API CRD httproutes.gateway.networking.k8s.io is not installed",
                        "Gateway API CRD referencegrants.gateway.networking.k8s.io is not installed",
                        "istiod is not Available: Deployment istio-system/istiod (generation 1): [Available=False (MinimumReplicasUnavailable)]"))
                .as("the install hints follow the Istio release found")
                .hasMessageContaining("kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.2.1/standard-install.yaml");
    }

    @Test
    void namesAMissingIstioGatewayClass() {
        new ClusterStatusSimulator(admin).deploymentAvailable("istio-system", "istiod", "True");
        admin.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass.class).withName("istio").delete();

        assertThatThrownBy(() -> KubeconfigCluster.builder().kubeconfig(kubeconfig).start())
                .hasMessageContaining("GatewayClass istio does not exist")
                .hasMessageContaining("rollout restart deployment/istiod");
    }

    @Test
    void refusesAMissingKubeconfigAndAnUnknownContext() {
        assertThatThrownBy(() -> KubeconfigCluster.builder().kubeconfig(dir.resolve("absent")).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absent does not exist; set secure-ingress.kubeconfig");
        assertThatThrownBy(() -> KubeconfigCluster.builder().kubeconfig(kubeconfig).context("prod").start())
                .hasMessageContaining("has no context 'prod' (it has [sandbox, elsewhere])");
        assertThatThrownBy(() -> KubeconfigCluster.builder().namespacePrefix("Bad_"))
                .hasMessageContaining("namespace prefix 'Bad_'");
    }

    @Test
    void anUnreachableContextIsReportedAsSuch() {
        assertThatThrownBy(() -> KubeconfigCluster.builder().kubeconfig(kubeconfig).context("elsewhere").start())
                .hasMessageContaining("Cannot reach the cluster at https://127.0.0.1:1/ (context elsewhere)")
                .hasMessageContaining("secure-ingress.kubeconfig");
    }

    @Test
    void labelsWhatItCreatesAndDeletesItOnClose() {
        new ClusterStatusSimulator(admin).deploymentAvailable("istio-system", "istiod", "True");
        KubeconfigCluster cluster = KubeconfigCluster.builder().kubeconfig(kubeconfig).context("sandbox")
                .namespacePrefix("si-").start();
        assertThat(cluster.backendName()).isEqualTo("kubeconfig");

        String namespace = cluster.createNamespace("teapot");
        assertThat(namespace).isEqualTo("si-teapot");
        assertThat(admin.namespaces().withName(namespace).get().getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/managed-by", "secure-ingress")
                .containsEntry(KubeconfigCluster.RUN_LABEL, cluster.runId());
        Secret ours = secret("httpbin-credential", cluster.labels());
        Secret theirs = secret("someone-elses", Map.of("app.kubernetes.io/managed-by", "secure-ingress",
                KubeconfigCluster.RUN_LABEL, "another-run"));
        admin.resource(ours).create();
        admin.resource(theirs).create();
        admin.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName("si-labelled")
                .addToLabels(cluster.labels()).endMetadata().build()).create();

        cluster.close();

        assertThat(admin.namespaces().withName(namespace).get()).isNull();
        assertThat(admin.namespaces().withName("si-labelled").get()).as("a namespace someone else created with the labels")
                .isNull();
        assertThat(admin.secrets().inNamespace("istio-system").withName("httpbin-credential").get()).isNull();
        assertThat(admin.secrets().inNamespace("istio-system").withName("someone-elses").get())
                .as("another run's resources stay").isNotNull();
    }

    @Test
    void reachesAGatewayAtItsStatusAddressWhenItAcceptsConnections() throws Exception {
        new ClusterStatusSimulator(admin).deploymentAvailable("istio-system", "istiod", "True");
        try (ServerSocket gatewayPort = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             KubeconfigCluster cluster = KubeconfigCluster.builder().kubeconfig(kubeconfig).start()) {
            gateway("mygateway", "127.0.0.1");

            InetSocketAddress endpoint = cluster.gatewayEndpoint("istio-system", "mygateway", gatewayPort.getLocalPort());

            assertThat(endpoint.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(endpoint.getPort()).isEqualTo(gatewayPort.getLocalPort());
        }
    }

    @Test
    void fallsBackToAPortForwardAndSaysWhenThereIsNoPodToForwardTo() throws Exception {
        new ClusterStatusSimulator(admin).deploymentAvailable("istio-system", "istiod", "True");
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        try (KubeconfigCluster cluster = KubeconfigCluster.builder().kubeconfig(kubeconfig).start()) {
            gateway("unreachable", "127.0.0.1");
            assertThatThrownBy(() -> cluster.gatewayEndpoint("istio-system", "unreachable", closedPort))
                    .hasMessageContaining("Cannot reach Gateway istio-system/unreachable: no usable status address and "
                            + "no running pod labelled gateway.networking.k8s.io/gateway-name=unreachable to port-forward to");
        }
        try (KubeconfigCluster cluster = KubeconfigCluster.builder().kubeconfig(kubeconfig)
                .gatewayAccess(KubeconfigCluster.GatewayAccess.STATUS_ADDRESS).start()) {
            gateway("pending", null);
            assertThatThrownBy(() -> cluster.gatewayEndpoint("istio-system", "pending", 443))
                    .hasMessageContaining("Gateway istio-system/pending has no status address yet");
            assertThatThrownBy(() -> cluster.gatewayEndpoint("istio-system", "absent", 443))
                    .hasMessageContaining("Gateway istio-system/absent not found");
        }
    }

    private void gateway(String name, String address) {
        Gateway gateway = new GatewayBuilder().withNewMetadata().withName(name).withNamespace("istio-system").endMetadata()
                .withNewSpec().withGatewayClassName("istio").addNewListener().withName("https").withPort(443)
                .withProtocol("HTTPS").endListener().endSpec().build();
        admin.resource(gateway).create();
        if (address != null) {
            admin.resources(Gateway.class).inNamespace("istio-system").withName(name).editStatus(g -> new GatewayBuilder(g)
                    .withNewStatus().withAddresses(new GatewayStatusAddressBuilder().withType("IPAddress").withValue(address).build())
                    .endStatus().build());
        }
    }

    private static Secret secret(String name, Map<String, String> labels) {
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace("istio-system").addToLabels(labels)
                .endMetadata().addToStringData("tls.crt", "not a real certificate").build();
    }

    /** A kubeconfig with context "sandbox" (current) for the embedded server and "elsewhere" for a closed port. */
    static String kubeconfigYaml(EmbeddedApiServer api) {
        String ca = Base64.getEncoder().encodeToString(api.caCertificatePem().getBytes(StandardCharsets.US_ASCII));
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: sandbox
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                - name: elsewhere
                  cluster:
                    server: https://127.0.0.1:1
                    certificate-authority-data: %s
                users:
                - name: tester
                  user:
                    token: not-checked-by-the-sandbox
                contexts:
                - name: sandbox
                  context: {cluster: sandbox, user: tester, namespace: default}
                - name: elsewhere
                  context: {cluster: elsewhere, user: tester}
                current-context: sandbox
                """.formatted(api.url(), ca, ca);
    }
}

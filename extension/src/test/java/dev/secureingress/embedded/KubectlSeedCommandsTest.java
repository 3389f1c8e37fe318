package dev.secureingress.embedded;

import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.fixtures.Fixture;
import dev.secureingress.tls.SeedPki;
import io.fabric8.kubernetes.api.model.Secret;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static dev.secureingress.embedded.Kubectl.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kubectl command of the user's walk-through (the seed notes), run unmodified by the real kubectl
 * against an embedded cluster, in the walk-through's order. Skipped where kubectl is not installed.
 */
class KubectlSeedCommandsTest {

    @RegisterExtension
    static final KubectlOnEmbeddedCluster kubectl = new KubectlOnEmbeddedCluster();

    @BeforeAll
    static void writeTheSeedsFiles() throws Exception {
        Path work = kubectl.workDirectory();
        SeedPki.generate().writeTo(work);
        Files.writeString(work.resolve("httpbin.yaml"), Fixture.HTTPBIN.manifest());
        Files.createDirectories(work.resolve("helloworld"));
        Files.writeString(work.resolve("helloworld/helloworld.yaml"), Fixture.HELLOWORLD_V1.manifest());
    }

    @Test
    void theWalkThroughRunsUnmodified() {
        assertThat(kubectl.run("get", "crd", "gateways.gateway.networking.k8s.io").exitCode())
                .as("the Gateway API CRDs are installed").isZero();

        succeeds(kubectl.run("apply", "-f", "httpbin.yaml"),
                "serviceaccount/httpbin created", "service/httpbin created", "deployment.apps/httpbin created");

        succeeds(kubectl.run("create", "-n", "istio-system", "secret", "tls", "httpbin-credential",
                "--key=example_certs1/httpbin.example.com.key",
                "--cert=example_certs1/httpbin.example.com.crt"), "secret/httpbin-credential created");

        succeeds(kubectl.runWithInput(SeedManifests.GATEWAY_ONE_HOST, "apply", "-f", "-"),
                "gateway.gateway.networking.k8s.io/mygateway created");
        succeeds(kubectl.runWithInput(SeedManifests.HTTPBIN_ROUTE, "apply", "-f", "-"),
                "httproute.gateway.networking.k8s.io/httpbin created");

        succeeds(kubectl.run("wait", "--for=condition=programmed", "gtw", "mygateway", "-n", "istio-system",
                "--timeout=120s"), "gateway.gateway.networking.k8s.io/mygateway condition met");
        String ingressHost = succeeds(kubectl.run("get", "gtw", "mygateway", "-n", "istio-system",
                "-o", "jsonpath={.status.addresses[0].value}")).out();
        assertThat(ingressHost).matches("127\\.\\d+\\.\\d+\\.\\d+");
        String securePort = succeeds(kubectl.run("get", "gtw", "mygateway", "-n", "istio-system",
                "-o", "jsonpath={.spec.listeners[?(@.name==\"https\")].port}")).out();
        assertThat(securePort).isEqualTo("443");

        // rotation: delete the secret and recreate it from the second root's certificate
        succeeds(kubectl.run("-n", "istio-system", "delete", "secret", "httpbin-credential"),
                "secret \"httpbin-credential\" deleted");
        succeeds(kubectl.run("create", "-n", "istio-system", "secret", "tls", "httpbin-credential",
                "--key=example_certs2/httpbin.example.com.key",
                "--cert=example_certs2/httpbin.example.com.crt"), "secret/httpbin-credential created");
        Secret rotated = kubectl.cluster().client().secrets().inNamespace("istio-system").withName("httpbin-credential").get();
        assertThat(new String(Base64.getDecoder().decode(rotated.getData().get("tls.crt"))))
                .isEqualTo(readString(kubectlDirectory().resolve("example_certs2/httpbin.example.com.crt")));
        succeeds(kubectl.run("-n", "istio-system", "delete", "secret", "httpbin-credential"));
        succeeds(kubectl.run("create", "-n", "istio-system", "secret", "tls", "httpbin-credential",
                "--key=example_certs1/httpbin.example.com.key",
                "--cert=example_certs1/httpbin.example.com.crt"), "secret/httpbin-credential created");

        // multiple hosts
        succeeds(kubectl.run("apply", "-f", "./helloworld/helloworld.yaml", "-l", "service=helloworld"),
                "service/helloworld created");
        assertThat(kubectl.cluster().client().apps().deployments().inNamespace("default").withName("helloworld-v1").get())
                .as("-l service=helloworld applies only the Service").isNull();
        succeeds(kubectl.run("apply", "-f", "./helloworld/helloworld.yaml", "-l", "version=v1"),
                "deployment.apps/helloworld-v1 created");
        succeeds(kubectl.run("create", "-n", "istio-system", "secret", "tls", "helloworld-credential",
                "--key=example_certs1/helloworld.example.com.key",
                "--cert=example_certs1/helloworld.example.com.crt"), "secret/helloworld-credential created");
        succeeds(kubectl.runWithInput(SeedManifests.GATEWAY_TWO_HOSTS, "apply", "-f", "-"),
                "gateway.gateway.networking.k8s.io/mygateway configured");
        assertThat(succeeds(kubectl.run("get", "gtw", "mygateway", "-n", "istio-system",
                "-o", "jsonpath={.spec.listeners[*].name}")).out()).isEqualTo("https-httpbin https-helloworld");
        succeeds(kubectl.runWithInput(SeedManifests.HELLOWORLD_ROUTE, "apply", "-f", "-"),
                "httproute.gateway.networking.k8s.io/helloworld created");

        assertThat(succeeds(kubectl.run("describe", "gtw", "mygateway", "-n", "istio-system")).out())
                .contains("Name:         mygateway", "https-helloworld", "Programmed");
    }

    @Test
    void applyReconfiguresBuiltInKindsWithStrategicMergePatch() {
        String deployment = Fixture.HELLOWORLD_V2.manifest();
        succeeds(kubectl.runWithInput(deployment, "apply", "-n", "kube-system", "-f", "-"),
                "deployment.apps/helloworld-v2 created");
        succeeds(kubectl.runWithInput(deployment.replace("replicas: 1", "replicas: 3"),
                "apply", "-n", "kube-system", "-f", "-"), "deployment.apps/helloworld-v2 configured");
        assertThat(kubectl.cluster().client().apps().deployments().inNamespace("kube-system").withName("helloworld-v2").get()
                .getSpec().getReplicas()).isEqualTo(3);
        succeeds(kubectl.runWithInput(deployment, "apply", "-n", "kube-system", "-f", "-"),
                "deployment.apps/helloworld-v2 configured");
        assertThat(kubectl.cluster().client().apps().deployments().inNamespace("kube-system").withName("helloworld-v2").get()
                .getSpec().getReplicas()).isEqualTo(1);
        succeeds(kubectl.runWithInput(deployment, "apply", "-n", "kube-system", "-f", "-"),
                "deployment.apps/helloworld-v2 unchanged");
    }

    @Test
    void describeShowsWhyAPodWithAnUnknownImageIsNotReady() {
        succeeds(kubectl.runWithInput("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: mystery
                  namespace: kube-system
                spec:
                  selector:
                    matchLabels: {app: mystery}
                  template:
                    metadata:
                      labels: {app: mystery}
                    spec:
                      containers:
                      - name: mystery
                        image: example.org/mystery:1.0
                """, "apply", "-f", "-"), "deployment.apps/mystery created");
        String described = BoundedWait.<String>forState("the pod's event and waiting reason in kubectl describe")
                .atMost(Duration.ofSeconds(60)).pollEvery(Duration.ofMillis(250))
                .until(() -> kubectl.run("describe", "pod", "-n", "kube-system", "-l", "app=mystery").out(),
                        // the event and the container status are separate writes, as a kubelet's are
                        out -> out.contains("has no embedded stand-in") && out.contains("NoEmbeddedStandIn"));
        assertThat(described).containsPattern("Reason:\\s+NoEmbeddedStandIn").containsPattern("Warning\\s+Failed")
                .contains("image example.org/mystery:1.0 has no embedded stand-in; register one with");
    }

    @Test
    void discoveryKnowsShortNamesAndScopes() {
        String resources = succeeds(kubectl.run("api-resources", "--api-group=gateway.networking.k8s.io")).out();
        assertThat(resources).containsPattern("gateways\\s+gtw\\s+gateway.networking.k8s.io/v1\\s+true\\s+Gateway")
                .containsPattern("gatewayclasses\\s+gc\\s+gateway.networking.k8s.io/v1\\s+false\\s+GatewayClass");
        assertThat(succeeds(kubectl.run("get", "gc", "istio", "-o", "jsonpath={.spec.controllerName}")).out())
                .isEqualTo("istio.io/gateway-controller");
        assertThat(succeeds(kubectl.run("get", "ns", "istio-system", "-o",
                "jsonpath={.metadata.labels.kubernetes\\.io/metadata\\.name}")).out()).isEqualTo("istio-system");
        assertThat(succeeds(kubectl.run("version")).out()).contains("Server Version: v1.32");
    }

    private static Path kubectlDirectory() {
        return kubectl.workDirectory();
    }

    @Test
    void kubectlGetPrintsTheColumnsOfARealCluster() {
        String namespace = "tables-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        succeeds(kubectl.run("create", "namespace", namespace), "namespace/" + namespace + " created");
        succeeds(kubectl.run("apply", "-n", namespace, "-f", "httpbin.yaml"), "deployment.apps/httpbin created");
        succeeds(kubectl.run("wait", "--for=condition=available", "deployment/httpbin", "-n", namespace,
                "--timeout=120s"), "condition met");

        String pods = succeeds(kubectl.run("get", "pods", "-n", namespace)).out();
        assertThat(pods.lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "READY", "STATUS", "RESTARTS", "AGE");
        assertThat(pods).containsPattern("httpbin-\\S+\\s+1/1\\s+Running\\s+0\\s+\\d+[smhd]");

        String deployments = succeeds(kubectl.run("get", "deployments", "-n", namespace)).out();
        assertThat(deployments.lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE");
        assertThat(deployments).containsPattern("httpbin\\s+1/1\\s+1\\s+1\\s+\\d+[smhd]");

        String services = succeeds(kubectl.run("get", "svc", "httpbin", "-n", namespace)).out();
        assertThat(services.lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE");
        assertThat(services).containsPattern("httpbin\\s+ClusterIP\\s+\\S+\\s+<none>\\s+8000/TCP");

        assertThat(succeeds(kubectl.run("get", "pods", "-n", namespace, "-o", "jsonpath={.items[0].kind}")).out())
                .as("-o still gets the objects themselves").isEqualTo("Pod");
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

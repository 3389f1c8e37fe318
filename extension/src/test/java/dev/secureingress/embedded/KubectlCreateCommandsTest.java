package dev.secureingress.embedded;

import dev.secureingress.cluster.BoundedWait;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static dev.secureingress.embedded.Kubectl.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kubectl's {@code create} subcommands, which send objects as protobuf, run by the real kubectl against an
 * embedded cluster in the kubeconfig's namespace ({@code default}). Skipped where kubectl is not installed.
 */
class KubectlCreateCommandsTest {

    @RegisterExtension
    static final KubectlOnEmbeddedCluster kubectl = new KubectlOnEmbeddedCluster();

    @Test
    void createDeploymentRunsItsReplicasUntilAvailable() {
        succeeds(kubectl.run("create", "deployment", "web", "--image=mccutchen/go-httpbin", "--port=8080",
                "--replicas=2"), "deployment.apps/web created");

        succeeds(kubectl.run("wait", "--for=condition=Available", "deployment/web", "--timeout=120s"),
                "deployment.apps/web condition met");

        Deployment web = kubectl.cluster().client().apps().deployments().inNamespace("default").withName("web").get();
        assertThat(web.getSpec().getReplicas()).isEqualTo(2);
        assertThat(web.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().get(0).getContainerPort())
                .isEqualTo(8080);
        assertThat(web.getStatus().getReadyReplicas()).isEqualTo(2);
        assertThat(succeeds(kubectl.run("get", "pods", "-l", "app=web", "-o",
                "jsonpath={range .items[*]}{.status.phase}{\"\\n\"}{end}")).out().lines())
                .containsExactly("Running", "Running");
    }

    @Test
    void createServiceSendsTrafficToThePortsItNames() {
        succeeds(kubectl.run("create", "deployment", "api", "--image=mccutchen/go-httpbin", "--port=8080"),
                "deployment.apps/api created");
        succeeds(kubectl.run("create", "service", "clusterip", "api", "--tcp=80:8080"), "service/api created");

        Service api = kubectl.cluster().client().services().inNamespace("default").withName("api").get();
        assertThat(api.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(api.getSpec().getSelector()).containsEntry("app", "api");
        assertThat(api.getSpec().getPorts().get(0).getPort()).isEqualTo(80);
        assertThat(api.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(8080);
        String endpoints = BoundedWait.<String>forState("an address in the endpoints of service api")
                .atMost(Duration.ofSeconds(120)).pollEvery(Duration.ofMillis(250))
                .until(() -> kubectl.run("get", "endpoints", "api", "-o",
                        "jsonpath={.subsets[0].addresses[0].ip}").out(), ip -> !ip.isBlank());
        assertThat(endpoints).startsWith("127.");
    }

    @Test
    void createSecretWithoutANamespaceFlagUsesTheKubeconfigNamespace() {
        succeeds(kubectl.run("create", "secret", "generic", "credentials", "--from-literal=user=admin"),
                "secret/credentials created");

        assertThat(kubectl.cluster().client().secrets().inNamespace("default").withName("credentials").get().getData())
                .containsEntry("user", "YWRtaW4=");
    }

    @Test
    void createOfAKindNotReadFromProtobufSaysWhatToDoInstead() {
        CommandRun.Result job = kubectl.run("create", "job", "once", "--image=busybox");

        assertThat(job.exitCode()).as(job.toString()).isNotZero();
        assertThat(job.err()).contains("not for Job (batch/v1)",
                "send it as JSON or YAML (for example with kubectl apply)");
    }
}

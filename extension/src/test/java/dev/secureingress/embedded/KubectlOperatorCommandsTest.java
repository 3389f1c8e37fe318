package dev.secureingress.embedded;

import dev.secureingress.cluster.BoundedWait;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static dev.secureingress.embedded.Kubectl.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Commands operators run around a walk-through, run by the real kubectl against an embedded cluster: health probes,
 * server-side dry runs (which must change nothing), and the container commands a stand-in has no answer for, which
 * say so and what to do instead. Skipped where kubectl is not installed.
 */
class KubectlOperatorCommandsTest {

    private static final String HELLO_DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: %s
            spec:
              selector:
                matchLabels: {app: %s}
              template:
                metadata:
                  labels: {app: %s}
                spec:
                  containers:
                  - name: helloworld
                    image: docker.io/istio/examples-helloworld-v1:1.0
                    ports:
                    - containerPort: 5000
            """;

    @RegisterExtension
    static final KubectlOnEmbeddedCluster kubectl = new KubectlOnEmbeddedCluster();

    @Test
    void healthEndpointsAnswerOk() {
        assertThat(succeeds(kubectl.run("get", "--raw", "/readyz")).out()).isEqualTo("ok");
        assertThat(succeeds(kubectl.run("get", "--raw", "/healthz")).out()).isEqualTo("ok");
        assertThat(succeeds(kubectl.run("get", "--raw", "/livez?verbose")).out())
                .contains("[+]ping ok").endsWith("livez check passed\n");
        assertThat(succeeds(kubectl.run("get", "--raw", "/readyz/ping")).out()).isEqualTo("ok");
        assertThat(kubectl.run("get", "--raw", "/readyz/no-such-check").exitCode()).isNotZero();
    }

    @Test
    void aServerSideDryRunOfApplyStoresNothing() {
        succeeds(kubectl.runWithInput(HELLO_DEPLOYMENT.formatted("dry", "dry", "dry"), "apply", "--dry-run=server", "-f", "-"),
                "deployment.apps/dry created (server dry run)");

        var lookup = kubectl.run("get", "deployment", "dry");
        assertThat(lookup.exitCode()).as(lookup.all()).isNotZero();
        assertThat(lookup.err()).contains("deployments.apps \"dry\" not found");
    }

    @Test
    void aServerSideDryRunShowsTheObjectAsItWouldBeStored() {
        String dryRun = succeeds(kubectl.run("create", "service", "clusterip", "shown", "--tcp=80:8080",
                "--dry-run=server", "-o", "jsonpath={.spec.clusterIP} {.spec.sessionAffinity}")).out();

        assertThat(dryRun).matches("10\\.[0-9.]+ None");
        assertThat(kubectl.run("get", "service", "shown").exitCode()).isNotZero();
    }

    @Test
    void aServerSideDryRunOfDeleteKeepsTheObject() {
        applyHelloDeployment("kept");

        succeeds(kubectl.run("delete", "deployment", "kept", "--dry-run=server"),
                "deployment.apps \"kept\" deleted (server dry run)");
        succeeds(kubectl.run("delete", "namespace", "default", "--dry-run=server"),
                "namespace \"default\" deleted (server dry run)");

        succeeds(kubectl.run("get", "deployment", "kept", "-o", "name"), "deployment.apps/kept");
        succeeds(kubectl.run("get", "namespace", "default", "-o", "name"), "namespace/default");
    }

    @Test
    void aDryRunValueOtherThanAllIsRefused() {
        var refused = kubectl.runWithInput("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}",
                "create", "--raw", "/api/v1/namespaces/default/configmaps?dryRun=Everything", "-f", "-");

        assertThat(refused.exitCode()).as(refused.all()).isNotZero();
        assertThat(refused.err()).contains("dryRun: Unsupported value: []string{\"Everything\"}: supported values: \"All\"");
        assertThat(kubectl.run("get", "configmap", "c").exitCode()).isNotZero();
    }

    @Test
    void execAttachAndPortForwardSayWhatAStandInIs() {
        applyHelloDeployment("streams");
        succeeds(kubectl.run("wait", "--for=condition=Available", "deployment/streams", "--timeout=120s"),
                "condition met");
        String pod = succeeds(kubectl.run("get", "pods", "-l", "app=streams", "-o", "name")).out().strip();
        String podIp = succeeds(kubectl.run("get", pod, "-o", "jsonpath={.status.podIP}")).out().strip();

        var exec = kubectl.run("exec", pod, "--", "ls");
        var portForward = kubectl.run("port-forward", pod, "0:5000");

        assertThat(exec.exitCode()).as(exec.all()).isNotZero();
        assertThat(exec.err()).contains("Error from server (BadRequest)").contains("in-JVM stand-in")
                .contains("no process to run a command in");
        assertThat(portForward.exitCode()).as(portForward.all()).isNotZero();
        assertThat(portForward.err()).contains("nothing needs forwarding").contains("its address " + podIp);
    }

    @Test
    void aPodWhoseServiceAccountIsMissingIsRefusedUntilItExists() {
        String pod = """
                apiVersion: v1
                kind: Pod
                metadata: {name: lonely}
                spec:
                  serviceAccountName: missing
                  containers: [{name: hello, image: docker.io/istio/examples-helloworld-v1:1.0}]
                """;
        var refused = kubectl.runWithInput(pod, "apply", "-f", "-");
        assertThat(refused.exitCode()).as(refused.all()).isNotZero();
        assertThat(refused.err()).contains("Error from server (Forbidden)").contains("pods \"lonely\" is forbidden: "
                + "error looking up service account default/missing: serviceaccount \"missing\" not found");

        succeeds(kubectl.runWithInput(HELLO_DEPLOYMENT.formatted("waiting", "waiting", "waiting")
                .replace("      containers:", "      serviceAccountName: waiting\n      containers:"), "apply", "-f", "-"));
        BoundedWait.<String>forState("a FailedCreate event of the ReplicaSet of deployment waiting")
                .atMost(Duration.ofSeconds(60)).pollEvery(Duration.ofMillis(200))
                .until(() -> kubectl.run("get", "events", "--field-selector", "reason=FailedCreate").out(),
                        events -> events.contains("serviceaccount \"waiting\" not found"));
        succeeds(kubectl.run("create", "serviceaccount", "waiting"), "serviceaccount/waiting created");

        succeeds(kubectl.run("wait", "--for=condition=Available", "deployment/waiting", "--timeout=120s"),
                "condition met");
    }

    private static void applyHelloDeployment(String name) {
        succeeds(kubectl.runWithInput(HELLO_DEPLOYMENT.formatted(name, name, name), "apply", "-f", "-"),
                "deployment.apps/" + name + " created");
    }
}

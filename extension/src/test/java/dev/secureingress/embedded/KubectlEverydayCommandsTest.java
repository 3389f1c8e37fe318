package dev.secureingress.embedded;

import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.embedded.api.EmbeddedApiServer;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.secureingress.embedded.Kubectl.succeeds;
import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Everyday kubectl commands a platform engineer runs against a cluster, run by the real kubectl against an
 * embedded cluster, answered as a real cluster answers them. Skipped where kubectl is not installed.
 */
class KubectlEverydayCommandsTest {

    @RegisterExtension
    static final KubectlOnEmbeddedCluster kubectl = new KubectlOnEmbeddedCluster();

    @Test
    void logsOfAStandInSayThereAreNoContainerLogs() {
        runningDeployment("logged");

        CommandRun.Result logs = kubectl.run("logs", "deployment/logged");

        assertThat(logs.exitCode()).as(logs.all()).isNotZero();
        assertThat(logs.err()).contains("Error from server (BadRequest)").contains("container \"go-httpbin\" in pod")
                .contains("has no logs");
        assertThat(logs.out()).doesNotContain("\"kind\"");
        CommandRun.Result unknownPod = kubectl.run("logs", "no-such-pod");
        assertThat(unknownPod.err()).contains("(NotFound): pods \"no-such-pod\" not found");
    }

    @Test
    void describeShowsAServicesEndpointsAndADeploymentsReplicaSet() {
        runningDeployment("described");
        succeeds(kubectl.run("expose", "deployment", "described", "--port=80", "--target-port=8080"),
                "service/described exposed");
        BoundedWait.<String>forState("an address in the endpoints of service described")
                .atMost(Duration.ofSeconds(120)).pollEvery(Duration.ofMillis(250))
                .until(() -> kubectl.run("get", "endpoints", "described", "-o",
                        "jsonpath={.subsets[0].addresses[0].ip}").out(), ip -> !ip.isBlank());

        assertThat(succeeds(kubectl.run("describe", "service", "described")).out())
                .containsPattern("Endpoints: +127\\.[0-9.]+:8080");
        assertThat(succeeds(kubectl.run("describe", "deployment", "described")).out())
                .containsPattern("NewReplicaSet: +described-[a-z0-9]+ \\(1/1 replicas created\\)");
    }

    @Test
    void describeListsTheEventsOfScalingADeploymentAndOfItsPodsStarting() {
        runningDeployment("scaled");
        succeeds(kubectl.run("scale", "deployment/scaled", "--replicas=2"), "deployment.apps/scaled scaled");

        String deployment = BoundedWait.<String>forState("the scaling to 2 in kubectl describe deployment scaled")
                .atMost(Duration.ofSeconds(60)).pollEvery(Duration.ofMillis(250))
                .until(() -> kubectl.run("describe", "deployment", "scaled").out(), out -> out.contains(" from 1 to 2"));
        assertThat(deployment)
                .containsPattern("Normal +ScalingReplicaSet +\\S+ +deployment-controller +Scaled up replica set scaled-[a-z0-9]+ from 0 to 1\n")
                .containsPattern("Normal +ScalingReplicaSet +\\S+ +deployment-controller +Scaled up replica set scaled-[a-z0-9]+ from 1 to 2\n");
        String replicaSet = BoundedWait.<String>forState("two created pods in kubectl describe replicaset")
                .atMost(Duration.ofSeconds(60)).pollEvery(Duration.ofMillis(250))
                .until(() -> kubectl.run("describe", "replicaset", "-l", "app=scaled").out(),
                        out -> out.split("SuccessfulCreate", -1).length == 3);
        assertThat(replicaSet).containsPattern("Normal +SuccessfulCreate +\\S+ +replicaset-controller +Created pod: scaled-[a-z0-9]+-[a-z0-9]{5}\n");
        String pods = BoundedWait.<String>forState("the Started events of both pods in kubectl describe pod")
                .atMost(Duration.ofSeconds(60)).pollEvery(Duration.ofMillis(250))
                .until(() -> kubectl.run("describe", "pod", "-l", "app=scaled").out(),
                        out -> out.split("Started container", -1).length == 3);
        assertThat(pods)
                .containsPattern("Normal +Scheduled +\\S+ +default-scheduler +Successfully assigned default/scaled-[a-z0-9]+-[a-z0-9]{5} to embedded\n")
                .containsPattern("Normal +Pulled +\\S+ +kubelet +Container image \"mccutchen/go-httpbin\" already present on machine\n")
                .containsPattern("Normal +Created +\\S+ +kubelet +Created container: go-httpbin\n")
                .containsPattern("Normal +Started +\\S+ +kubelet +Started container go-httpbin\n");
    }

    @Test
    void getEventsPrintsTheColumnsOfARealCluster() {
        runningDeployment("evented");

        String events = succeeds(kubectl.run("get", "events", "--field-selector", "involvedObject.name=evented")).out();
        assertThat(events).startsWith("LAST SEEN   TYPE     REASON              OBJECT               MESSAGE\n")
                .containsPattern("\\d+s +Normal +ScalingReplicaSet +deployment/evented +Scaled up replica set evented-[a-z0-9]+ from 0 to 1\n");
        String pod = succeeds(kubectl.run("get", "pods", "-l", "app=evented", "-o", "jsonpath={.items[0].metadata.name}")).out();
        String wide = BoundedWait.<String>forState("the Started event of pod " + pod + " in kubectl get events -o wide")
                .atMost(Duration.ofSeconds(60)).pollEvery(Duration.ofMillis(250))
                .until(() -> kubectl.run("get", "events", "-o", "wide", "--field-selector", "involvedObject.name=" + pod).out(),
                        out -> out.contains("Started container"));
        assertThat(wide).contains("SUBOBJECT", "SOURCE", "FIRST SEEN", "COUNT", "NAME");
        assertThat(wide.lines().filter(line -> line.contains(" Scheduled ")))
                .singleElement(as(InstanceOfAssertFactories.STRING)).containsPattern("^\\d+s +Normal +Scheduled +pod/" + pod + " ")
                .contains(" default-scheduler ", "Successfully assigned default/" + pod + " to embedded")
                .containsPattern(" 1 +" + pod + "\\.[0-9a-f]+$");
        assertThat(wide.lines().filter(line -> line.contains(" Started ")))
                .singleElement(as(InstanceOfAssertFactories.STRING)).containsPattern("^\\d+s +Normal +Started +pod/" + pod + " ")
                .contains(" spec.containers{go-httpbin} ", " kubelet, embedded ", "Started container go-httpbin");
    }

    @Test
    void getSortsByAnyFieldOfTheObjects() {
        runningDeployment("sorted");
        String pod = succeeds(kubectl.run("get", "pods", "-l", "app=sorted", "-o", "jsonpath={.items[0].metadata.name}")).out();
        BoundedWait.<String>forState("the Started event of pod " + pod).atMost(Duration.ofSeconds(60))
                .pollEvery(Duration.ofMillis(250))
                .until(() -> kubectl.run("get", "events", "--field-selector", "involvedObject.name=" + pod).out(),
                        out -> out.contains("Started container"));

        // kubectl asks for tables with includeObject=Object and sorts on the rows' objects
        assertThat(succeeds(kubectl.run("get", "events", "--sort-by=.lastTimestamp")).out()).startsWith("LAST SEEN   TYPE ").contains("pod/" + pod, "deployment/sorted");
        assertThat(succeeds(kubectl.run("get", "pods", "--sort-by=.status.podIP")).out())
                .startsWith("NAME ").contains(pod + " ");
    }

    @Test
    void describePrintsTheDefaultsARealServerSets() {
        runningDeployment("defaulted");
        succeeds(kubectl.run("expose", "deployment", "defaulted", "--port=80", "--target-port=8080"),
                "service/defaulted exposed");

        assertThat(succeeds(kubectl.run("describe", "deployment", "defaulted")).out())
                .containsPattern("StrategyType: +RollingUpdate")
                .containsPattern("RollingUpdateStrategy: +25% max unavailable, 25% max surge");
        assertThat(succeeds(kubectl.run("describe", "service", "defaulted")).out())
                .containsPattern("Type: +ClusterIP")
                .containsPattern("Port: +<unset> +80/TCP")
                .containsPattern("Session Affinity: +None")
                .containsPattern("IP: +10\\.[0-9.]+");
    }

    @Test
    void patchingTheClusterIpOfAServiceIsRefusedAsOnACluster() {
        succeeds(kubectl.run("create", "service", "clusterip", "readdressed", "--tcp=80:8080"),
                "service/readdressed created");
        String clusterIp = succeeds(kubectl.run("get", "service", "readdressed", "-o", "jsonpath={.spec.clusterIP}"))
                .out().strip();
        String other = clusterIp.endsWith(".7") ? "10.96.7.8" : "10.96.7.7";

        CommandRun.Result patched = kubectl.run("patch", "service", "readdressed", "-p",
                "{\"spec\":{\"clusterIP\":\"" + other + "\"}}");

        assertThat(patched.exitCode()).as(patched.all()).isNotZero();
        assertThat(patched.err()).contains("The Service \"readdressed\" is invalid: spec.clusterIPs[0]: Invalid value: [\""
                + other + "\"]: may not change once set");
        assertThat(succeeds(kubectl.run("get", "service", "readdressed", "-o", "jsonpath={.spec.clusterIP}")).out())
                .isEqualTo(clusterIp);
    }

    @Test
    void jsonAndStatusPatchesRecordTheirManagerAsOnACluster() {
        succeeds(kubectl.run("create", "service", "clusterip", "managed", "--tcp=80:8080"), "service/managed created");

        succeeds(kubectl.run("patch", "service", "managed", "--type=json", "-p",
                "[{\"op\":\"add\",\"path\":\"/metadata/labels/tier\",\"value\":\"web\"}]"),
                "service/managed patched");
        succeeds(kubectl.run("patch", "service", "managed", "--subresource=status", "--type=merge", "-p",
                "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"192.0.2.10\"}]}}}"),
                "service/managed patched");

        String managers = succeeds(kubectl.run("get", "service", "managed", "--show-managed-fields", "-o",
                "jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation}/{.subresource};{end}")).out();
        assertThat(managers.split(";")).contains("kubectl-create/Update/", "kubectl-patch/Update/",
                "kubectl-patch/Update/status");
        String yaml = succeeds(kubectl.run("get", "service", "managed", "-o", "yaml", "--show-managed-fields")).out();
        assertThat(yaml).contains("subresource: status").contains("f:loadBalancer:").contains("f:tier: {}");
    }

    @Test
    void theKubernetesServiceSendsItsPortToTheApiServer() {
        int apiServerPort = java.net.URI.create(kubectl.cluster().apiServer().url()).getPort();

        assertThat(succeeds(kubectl.run("get", "service", "kubernetes", "-n", "default")).out())
                .containsPattern("kubernetes +ClusterIP +10\\.96\\.0\\.1 +<none> +443/TCP");
        assertThat(succeeds(kubectl.run("get", "endpoints", "kubernetes", "-n", "default")).out())
                .containsPattern("kubernetes +127\\.0\\.0\\.1:" + apiServerPort + " ");
        assertThat(succeeds(kubectl.run("describe", "service", "kubernetes", "-n", "default")).out())
                .containsPattern("Labels: +component=apiserver")
                .containsPattern("TargetPort: +" + apiServerPort + "/TCP")
                .containsPattern("Endpoints: +127\\.0\\.0\\.1:" + apiServerPort);
    }

    @Test
    void authCanIAnswersYesAsForAClusterAdmin() {
        assertThat(succeeds(kubectl.run("auth", "can-i", "create", "deployments")).out().strip()).isEqualTo("yes");
        assertThat(succeeds(kubectl.run("auth", "can-i", "delete", "secrets", "-n", "istio-system")).out().strip())
                .isEqualTo("yes");
        assertThat(succeeds(kubectl.run("auth", "can-i", "--list")).out()).containsPattern("\\*\\.\\* +\\[\\] +\\[\\] +\\[\\*\\]");
    }

    @Test
    void createWithGenerateNamePrintsTheNameTheServerMadeUp() {
        String manifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  generateName: generated-
                data:
                  made: up
                """;

        String created = succeeds(kubectl.runWithInput(manifest, "create", "-f", "-")).out();

        assertThat(created).matches("(?s)configmap/generated-[bcdfghjklmnpqrstvwxz2456789]{5} created\\s*");
        String name = created.strip().substring("configmap/".length(), created.strip().indexOf(" created"));
        assertThat(succeeds(kubectl.run("get", "configmap", name, "-o", "jsonpath={.data.made}")).out())
                .isEqualTo("up");
    }

    @Test
    void authWhoamiNamesTheKubeconfigsUserAsAClusterAdmin() {
        assertThat(succeeds(kubectl.run("auth", "whoami")).out())
                .containsPattern("Username +" + EmbeddedApiServer.KUBECONFIG_CONTEXT)
                .containsPattern("Groups +\\[system:masters system:authenticated\\]");
        assertThat(succeeds(kubectl.run("auth", "whoami", "-o", "jsonpath={.kind} {.status.userInfo.username}")).out())
                .isEqualTo("SelfSubjectReview " + EmbeddedApiServer.KUBECONFIG_CONTEXT);
        assertThat(succeeds(kubectl.run("api-resources", "--api-group=authentication.k8s.io")).out())
                .containsPattern("selfsubjectreviews +authentication\\.k8s\\.io/v1 +false +SelfSubjectReview");
    }

    @Test
    void wideOutputAddsPodAddressesAndTheImagesOfDeployments() {
        runningDeployment("wide");

        String pods = succeeds(kubectl.run("get", "pods", "-l", "app=wide", "-o", "wide")).out();
        assertThat(pods.lines().findFirst().orElseThrow())
                .containsPattern("AGE +IP +NODE +NOMINATED NODE +READINESS GATES");
        assertThat(pods).containsPattern("Running .* 127\\.[0-9.]+ +embedded +<none> +<none>");
        assertThat(succeeds(kubectl.run("get", "deployment", "wide", "-o", "wide")).out())
                .containsPattern("AGE +CONTAINERS +IMAGES +SELECTOR")
                .containsPattern("go-httpbin +mccutchen/go-httpbin +app=wide");
        assertThat(succeeds(kubectl.run("get", "pods", "-l", "app=wide")).out()).doesNotContain("NODE");
    }

    @Test
    void rolloutHistoryListsEachTemplateAndUndoGoesBackToThePreviousOne() {
        runningDeployment("rolled");
        succeeds(kubectl.run("set", "image", "deployment/rolled", "go-httpbin=mccutchen/go-httpbin:v2.15.1"),
                "image updated");
        succeeds(kubectl.run("rollout", "status", "deployment/rolled", "--timeout=120s"), "successfully rolled out");

        assertThat(succeeds(kubectl.run("rollout", "history", "deployment/rolled")).out())
                .containsPattern("(?m)^1 +<none>$").containsPattern("(?m)^2 +<none>$");
        succeeds(kubectl.run("rollout", "undo", "deployment/rolled"), "deployment.apps/rolled rolled back");
        succeeds(kubectl.run("rollout", "status", "deployment/rolled", "--timeout=120s"), "successfully rolled out");

        assertThat(succeeds(kubectl.run("get", "deployment", "rolled", "-o",
                "jsonpath={.spec.template.spec.containers[0].image}")).out()).isEqualTo("mccutchen/go-httpbin");
        assertThat(succeeds(kubectl.run("rollout", "history", "deployment/rolled")).out())
                .containsPattern("(?m)^2 +<none>$").containsPattern("(?m)^3 +<none>$").doesNotContain("\n1 ");
    }

    @Test
    void getWatchPrintsChangesInTheSameColumnsUnderOneHeader(@TempDir Path work) {
        runningDeployment("watched");
        Path out = work.resolve("watch.out");
        Process watch = kubectl.start(out, "get", "pods", "-l", "app=watched", "-w");
        try {
            AtomicInteger change = new AtomicInteger();
            String printed = BoundedWait.<String>forState("a second row of the watched pod")
                    .atMost(Duration.ofSeconds(60)).pollEvery(Duration.ofMillis(250))
                    .until(() -> {
                        // changes until the watch, opened after the list is printed, reports one
                        kubectl.run("label", "pods", "-l", "app=watched", "--overwrite",
                                "change=" + change.incrementAndGet());
                        return Kubectl.printedSoFar(out);
                    }, text -> text.lines().filter(line -> line.startsWith("watched-")).count() >= 2);

            assertThat(printed.lines().filter(line -> line.startsWith("NAME")))
                    .containsExactly(printed.lines().findFirst().orElseThrow());
            assertThat(printed.lines().filter(line -> line.startsWith("watched-")))
                    .allSatisfy(row -> assertThat(row).containsPattern("1/1 +Running +0 "));
        } finally {
            watch.destroy();
        }
    }

    /** Creates a Deployment of one httpbin replica (container {@code go-httpbin}) and waits until it is Available. */
    private static void runningDeployment(String name) {
        succeeds(kubectl.run("create", "deployment", name, "--image=mccutchen/go-httpbin", "--port=8080"),
                "deployment.apps/" + name + " created");
        succeeds(kubectl.run("wait", "--for=condition=Available", "deployment/" + name, "--timeout=120s"),
                "condition met");
    }
}

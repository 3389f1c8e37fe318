package dev.secureingress.embedded;

import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.secureingress.embedded.Kubectl.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl apply --server-side} against the embedded API server: creating, re-applying with a changed and a
 * dropped field, conflicts with another field manager (and taking the field over with {@code --force-conflicts}),
 * server-side dry runs, and the Gateway API CRDs applied the way their install instructions do. Skipped where kubectl
 * is not installed.
 */
class KubectlServerSideApplyTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: %1$s
              labels: {app: %1$s%2$s}
            spec:
              replicas: %3$d
              selector:
                matchLabels: {app: %1$s}
              template:
                metadata:
                  labels: {app: %1$s}
                spec:
                  containers:
                  - name: helloworld
                    image: docker.io/istio/examples-helloworld-v1:1.0
                    env:
                    - {name: GREETING, value: hello}
                    %4$s
            """;
    private static final String SECOND_VARIABLE = "- {name: AUDIENCE, value: world}";

    @RegisterExtension
    static final KubectlOnEmbeddedCluster kubectl = new KubectlOnEmbeddedCluster();

    private static String deployment(String name, String extraLabel, int replicas, String extraVariable) {
        return DEPLOYMENT.formatted(name, extraLabel, replicas, extraVariable);
    }

    @Test
    void applyCreatesTheObjectAndRecordsTheApplierAsItsManager() {
        succeeds(kubectl.runWithInput(deployment("created", ", tier: web", 2, SECOND_VARIABLE),
                "apply", "--server-side", "-f", "-"), "deployment.apps/created serverside-applied");

        succeeds(kubectl.run("get", "deployment", "created", "-o",
                        "jsonpath={.spec.replicas} {.metadata.labels.tier} {.spec.strategy.type}"),
                "2 web RollingUpdate");
        String managers = succeeds(kubectl.run("get", "deployment", "created", "--show-managed-fields", "-o",
                "jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation}/{.fieldsType};{end}")).out();
        assertThat(managers).startsWith("kubectl/Apply/FieldsV1;"); // then the controllers' Update entries
        String fields = succeeds(kubectl.run("get", "deployment", "created", "--show-managed-fields", "-o",
                "jsonpath={.metadata.managedFields[0].fieldsV1}")).out();
        assertThat(fields).contains("\"f:replicas\":{}").contains("\"k:{\\\"name\\\":\\\"helloworld\\\"}\"")
                .doesNotContain("f:strategy"); // defaulted, so nobody's
    }

    @Test
    void reapplyingChangesWhatChangedAndRemovesWhatTheConfigurationNoLongerHolds() {
        succeeds(kubectl.runWithInput(deployment("reapplied", ", tier: web", 2, SECOND_VARIABLE),
                "apply", "--server-side", "-f", "-"));

        succeeds(kubectl.runWithInput(deployment("reapplied", "", 3, ""), "apply", "--server-side", "-f", "-"),
                "deployment.apps/reapplied serverside-applied");

        String live = succeeds(kubectl.run("get", "deployment", "reapplied", "-o", "jsonpath={.spec.replicas} "
                + "[{.metadata.labels}] [{.spec.template.spec.containers[0].env[*].name}]")).out();
        assertThat(live).isEqualTo("3 [{\"app\":\"reapplied\"}] [GREETING]");
    }

    @Test
    void aFieldAnotherManagerSetConflictsUnlessForced() {
        succeeds(kubectl.runWithInput(deployment("contested", "", 1, ""), "apply", "-f", "-"),
                "deployment.apps/contested created");

        var refused = kubectl.runWithInput(deployment("contested", "", 2, ""), "apply", "--server-side", "-f", "-");

        assertThat(refused.exitCode()).as(refused.all()).isNotZero();
        assertThat(refused.err()).contains("Apply failed with 1 conflict: conflict with "
                + "\"kubectl-client-side-apply\" using apps/v1: .spec.replicas");
        succeeds(kubectl.run("get", "deployment", "contested", "-o", "jsonpath={.spec.replicas}"), "1");

        succeeds(kubectl.runWithInput(deployment("contested", "", 2, ""), "apply", "--server-side",
                "--force-conflicts", "-f", "-"), "deployment.apps/contested serverside-applied");
        succeeds(kubectl.run("get", "deployment", "contested", "-o", "jsonpath={.spec.replicas}"), "2");
        String managers = succeeds(kubectl.run("get", "deployment", "contested", "--show-managed-fields", "-o",
                "jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation};{end}")).out();
        assertThat(managers).contains("kubectl/Apply;");
    }

    @Test
    void aServerSideDryRunOfAServerSideApplyStoresNothing() {
        succeeds(kubectl.runWithInput(deployment("dry-applied", "", 1, ""), "apply", "--server-side",
                "--dry-run=server", "-f", "-"), "deployment.apps/dry-applied serverside-applied (server dry run)");

        var lookup = kubectl.run("get", "deployment", "dry-applied");
        assertThat(lookup.exitCode()).as(lookup.all()).isNotZero();
        assertThat(lookup.err()).contains("deployments.apps \"dry-applied\" not found");
    }

    @Test
    void theGatewayApiCrdsApplyServerSide() throws Exception {
        String listed = succeeds(kubectl.run("get", "crd", "-o", "yaml")).out();
        Path crds = kubectl.workDirectory().resolve("gateway-api-crds.yaml");
        Files.writeString(crds, Serialization.asYaml(asInstallManifest(listed)));

        succeeds(kubectl.run("apply", "--server-side", "-f", crds.toString()),
                "customresourcedefinition.apiextensions.k8s.io/httproutes.gateway.networking.k8s.io serverside-applied",
                "customresourcedefinition.apiextensions.k8s.io/gateways.gateway.networking.k8s.io serverside-applied");

        succeeds(kubectl.run("get", "crd", "httproutes.gateway.networking.k8s.io", "--show-managed-fields", "-o",
                "jsonpath={.metadata.managedFields[*].manager}"), "kubectl");
        succeeds(kubectl.run("get", "httproutes", "-A"));
    }

    /** The server's Gateway API CRDs as a release's install manifest holds them: without status and server fields. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> asInstallManifest(String listedYaml) {
        Map<String, Object> list = Serialization.unmarshal(listedYaml, Map.class);
        List<Map<String, Object>> items = ((List<Map<String, Object>>) list.get("items")).stream()
                .filter(crd -> String.valueOf(((Map<String, Object>) crd.get("metadata")).get("name"))
                        .endsWith(".gateway.networking.k8s.io"))
                .toList();
        assertThat(items).isNotEmpty();
        for (Map<String, Object> crd : items) {
            crd.remove("status");
            Map<String, Object> metadata = (Map<String, Object>) crd.get("metadata");
            List.of("uid", "resourceVersion", "generation", "creationTimestamp", "managedFields")
                    .forEach(metadata::remove);
        }
        list.put("items", items);
        list.remove("metadata");
        return list;
    }
}

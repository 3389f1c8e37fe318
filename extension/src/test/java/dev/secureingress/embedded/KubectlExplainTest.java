package dev.secureingress.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.secureingress.embedded.Kubectl.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kubectl explain for the built-in kinds the embedded API server serves, as on a cluster (kubectl reads their schemas
 * from the OpenAPI v3 documents): fields print their Kubernetes type names ({@code <DeploymentSpec>},
 * {@code <[]Container>}, {@code <map[string]Quantity>}, {@code <IntOrString>}) and nested fields can be explained to
 * any depth. Skipped where kubectl is not installed.
 */
class KubectlExplainTest {

    @RegisterExtension
    static final KubectlOnEmbeddedCluster kubectl = new KubectlOnEmbeddedCluster();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "deployment.spec       | apps | Deployment | FIELD: spec <DeploymentSpec>   | replicas\\s+<integer>",
            "deployment            | apps | Deployment | DESCRIPTION:                   | spec\\s+<DeploymentSpec>",
            "pod.spec.containers   |      | Pod        | FIELD: containers <[]Container> | image\\s+<string>",
            "service.spec          |      | Service    | FIELD: spec <ServiceSpec>      | ports\\s+<\\[\\]ServicePort>",
            "secret                |      | Secret     | DESCRIPTION:                   | data\\s+<map\\[string\\]string>",
            "pod.metadata          |      | Pod        | FIELD: metadata <ObjectMeta>   | labels\\s+<map\\[string\\]string>",
            "pod.metadata          |      | Pod        | FIELD: metadata <ObjectMeta>   | managedFields\\s+<\\[\\]ManagedFieldsEntry>",
            "cronjob.spec.jobTemplate.spec.template.spec.containers.ports | batch | CronJob "
                    + "| FIELD: ports <[]ContainerPort> | containerPort\\s+<integer>",
            "deployment.spec.template.spec.containers.resources | apps | Deployment "
                    + "| FIELD: resources <ResourceRequirements> | limits\\s+<map\\[string\\]Quantity>",
            "deployment.spec.strategy.rollingUpdate | apps | Deployment | FIELD: rollingUpdate <RollingUpdateDeployment> "
                    + "| maxSurge\\s+<IntOrString>",
            "service.spec.ports    |      | Service    | FIELD: ports <[]ServicePort>   | targetPort\\s+<IntOrString>",
            "selfsubjectreview     | authentication.k8s.io | SelfSubjectReview | DESCRIPTION: "
                    + "| status\\s+<SelfSubjectReviewStatus>",
    })
    void explainDescribesTheFieldsOfABuiltInKind(String field, String group, String kind, String heading,
                                                  String fieldPattern) {
        CommandRun.Result explained = succeeds(kubectl.run("explain", field));

        assertThat(explained.out()).contains("KIND:       " + kind).contains("VERSION:    v1").contains(heading)
                .containsPattern(fieldPattern);
        if (group != null) {
            assertThat(explained.out()).contains("GROUP:      " + group);
        } else {
            assertThat(explained.out()).doesNotContain("GROUP:");
        }
    }

    @Test
    void aFieldTheKindDoesNotHaveIsAnError() {
        CommandRun.Result explained = kubectl.run("explain", "deployment.spec.replica");

        assertThat(explained.exitCode()).as(explained.toString()).isNotZero();
        assertThat(explained.err()).contains("field \"replica\" does not exist");
    }

    @Test
    void explainRecursiveListsNestedFields() {
        assertThat(succeeds(kubectl.run("explain", "deployment.spec.template.spec", "--recursive")).out())
                .containsPattern("containers\\s+<\\[\\]Container>")
                .containsPattern("\\n\\s+readinessProbe\\s+<Probe>")
                .containsPattern("\\n\\s+serviceAccountName\\s+<string>");
    }
}

package dev.secureingress.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.secureingress.embedded.Kubectl.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kubectl explain for the built-in kinds the embedded API server serves, as on a cluster (kubectl reads their schemas
 * from the OpenAPI v3 documents). Skipped where kubectl is not installed.
 */
class KubectlExplainTest {

    @RegisterExtension
    static final KubectlOnEmbeddedCluster kubectl = new KubectlOnEmbeddedCluster();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "deployment.spec       | apps | Deployment | FIELD: spec <Object>           | replicas\\s+<integer>",
            "pod.spec.containers   |      | Pod        | FIELD: containers <[]Object>   | image\\s+<string>",
            "service.spec          |      | Service    | FIELD: spec <Object>           | ports\\s+<\\[\\]Object>",
            "secret                |      | Secret     | DESCRIPTION:                   | data\\s+<map\\[string\\]string>",
            "pod.metadata          |      | Pod        | FIELD: metadata <Object>       | labels\\s+<map\\[string\\]string>",
            "cronjob.spec.jobTemplate.spec.template.spec.containers.ports | batch | CronJob | FIELD: ports <[]Object> "
                    + "| containerPort\\s+<integer>",
            "selfsubjectreview     | authentication.k8s.io | SelfSubjectReview | DESCRIPTION: | status\\s+<Object>",
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
                .containsPattern("containers\\s+<\\[\\]Object>")
                .containsPattern("\\n\\s+readinessProbe\\s+<Object>")
                .containsPattern("\\n\\s+serviceAccountName\\s+<string>");
    }
}

package dev.secureingress.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.secureingress.embedded.Kubectl.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kubectl explain for the built-in kinds and the Gateway API kinds the embedded API server serves, as on a cluster
 * (kubectl reads their schemas from the OpenAPI v3 documents): fields print their Kubernetes type names
 * ({@code <DeploymentSpec>}, {@code <[]Container>}, {@code <map[string]Quantity>}, {@code <IntOrString>}), nested
 * fields can be explained to any depth, and the Gateway API's required fields ({@code -required-}) and enums show as
 * their CRDs' schemas carry them. Skipped where kubectl is not installed.
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

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "gateway.spec           | gatewayClassName\\s+<string> -required-",
            "gateway.spec           | listeners\\s+<\\[\\]Object> -required-",
            "gateway.spec.listeners | port\\s+<integer> -required-",
            "gateway.spec.listeners | protocol\\s+<string> -required-",
            "gateway.spec.listeners | hostname\\s+<string>\\n",
            "gateway.spec.listeners.tls | mode\\s+<string>\\n\\s*enum: Terminate, Passthrough\\n",
            "httproute.spec.rules.backendRefs | name\\s+<string> -required-",
            "gatewayclass.spec      | controllerName\\s+<string> -required-",
            "grpcroute.spec.rules.matches.method | type\\s+<string>\\n\\s*enum: Exact, RegularExpression\\n",
            "grpcroute.spec.rules.matches.headers | value\\s+<string> -required-",
            "grpcroute.spec.rules.filters | type\\s+<string> -required-\\n\\s*enum: ResponseHeaderModifier, "
                    + "RequestHeaderModifier, RequestMirror, ExtensionRef\\n",
            "gateway.spec.listeners.allowedRoutes.namespaces.selector.matchExpressions | operator\\s+<string> -required-",
    })
    void explainMarksTheRequiredFieldsAndEnumsOfTheGatewayApiKinds(String field, String fieldPattern) {
        CommandRun.Result explained = succeeds(kubectl.run("explain", field));

        assertThat(explained.out()).contains("GROUP:      gateway.networking.k8s.io").containsPattern(fieldPattern);
    }

    @Test
    void explainOfAnEnumFieldListsItsValues() {
        assertThat(succeeds(kubectl.run("explain", "httproute.spec.rules.matches.path.type")).out())
                .contains("FIELD: type <string>")
                .containsPattern("ENUM:\\n\\s+Exact\\n\\s+PathPrefix\\n\\s+RegularExpression\\n");
    }
}

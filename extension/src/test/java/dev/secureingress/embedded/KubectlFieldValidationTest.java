package dev.secureingress.embedded;

import dev.secureingress.fixtures.Fixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.secureingress.embedded.Kubectl.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kubectl's server-side field validation against the embedded API server, as against a real one: a typo in a
 * Gateway is refused by default ({@code --validate=strict}), printed as a warning and dropped with
 * {@code --validate=warn} (and by kubectl patch, which then changes nothing), a value of the wrong type is
 * invalid, and the project's own fixtures pass; kubectl explain reads the Gateway's schema.
 * Skipped where kubectl is not installed.
 */
class KubectlFieldValidationTest {

    private static final String GATEWAY = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: %s
            spec:
              gatewayClassName: istio
              %s:
              - name: https
                hostname: httpbin.example.com
                port: %s
                protocol: HTTPS
                tls:
                  mode: Terminate
                  certificateRefs:
                  - name: httpbin-credential
            """;

    @RegisterExtension
    static final KubectlOnEmbeddedCluster kubectl = new KubectlOnEmbeddedCluster();

    @Test
    void aTypoInAGatewayIsRefusedByDefault() {
        CommandRun.Result refused = kubectl.runWithInput(GATEWAY.formatted("typo", "listners", "443"),
                "apply", "-f", "-");

        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertThat(refused.err()).contains("Error from server (BadRequest): error when creating \"STDIN\": Gateway in "
                + "version \"v1\" cannot be handled as a Gateway: strict decoding error: unknown field \"spec.listners\"");
        assertThat(kubectl.run("get", "gateway", "typo").err()).contains("not found");
    }

    @Test
    void withValidateWarnTheTypoIsPrintedAsAWarningAndDropped() {
        String withTypo = GATEWAY.formatted("warned", "listeners", "443")
                .replace("  gatewayClassName: istio", "  gatewayClassName: istio\n  adresses: []");
        CommandRun.Result warned = succeeds(kubectl.runWithInput(withTypo, "apply", "--validate=warn", "-f", "-"),
                "gateway.gateway.networking.k8s.io/warned created");

        assertThat(warned.err()).contains("Warning: unknown field \"spec.adresses\"");
        assertThat(succeeds(kubectl.run("get", "gateway", "warned", "-o", "jsonpath={.spec}")).out())
                .doesNotContain("adresses").contains("\"gatewayClassName\":\"istio\"").contains("\"port\":443");
    }

    @Test
    void aPortWrittenAsTextIsInvalid() {
        CommandRun.Result refused = kubectl.runWithInput(GATEWAY.formatted("texted", "listeners", "\"443\""),
                "apply", "-f", "-");

        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertThat(refused.err()).contains("The Gateway \"texted\" is invalid: \n* spec.listeners[0].port: Invalid value: "
                + "\"string\": spec.listeners[0].port in body must be of type integer: \"string\"\n* <nil>: Invalid value: "
                + "\"null\": some validation rules were not checked because the object was invalid; correct the "
                + "existing errors to complete validation");
    }

    @Test
    void aTypoInADeploymentIsRefusedByDefault() {
        CommandRun.Result refused = kubectl.runWithInput("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: replica-typo}
                spec:
                  replica: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers: [{name: web, image: docker.io/mccutchen/go-httpbin:v2.15.0}]
                """, "apply", "-f", "-");

        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertThat(refused.err()).contains("Deployment in version \"v1\" cannot be handled as a Deployment: "
                + "strict decoding error: unknown field \"spec.replica\"");
    }

    @Test
    void explainDescribesAGatewaysListeners() {
        CommandRun.Result explained = succeeds(kubectl.run("explain", "gateway.spec.listeners"));

        assertThat(explained.out()).contains("GROUP:      gateway.networking.k8s.io").contains("KIND:       Gateway")
                .contains("VERSION:    v1").contains("FIELD: listeners <[]Object>")
                .containsPattern("port\\s+<integer>").containsPattern("hostname\\s+<string>")
                .containsPattern("tls\\s+<Object>");
    }

    @ParameterizedTest
    @EnumSource(Fixture.class)
    void theProjectsOwnFixturesPassStrictValidation(Fixture fixture) {
        succeeds(kubectl.runWithInput(fixture.manifest(), "apply", "--dry-run=server", "--validate=strict", "-f", "-"));
    }

    @Test
    void aPatchWithATypoChangesNothingAndWarns() {
        succeeds(kubectl.runWithInput(GATEWAY.formatted("patched", "listeners", "443"), "apply", "-f", "-"));

        CommandRun.Result patched = succeeds(kubectl.run("patch", "gateway", "patched", "--type=merge",
                "-p", "{\"spec\":{\"listners\":[]}}"), "gateway.gateway.networking.k8s.io/patched patched (no change)");

        assertThat(patched.err()).contains("Warning: unknown field \"spec.listners\"");
    }
}

package dev.secureingress.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.secureingress.embedded.Kubectl.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kubectl against the CEL rules of the embedded API server's Gateway API CRDs and of a CRD applied with kubectl, as
 * against a real API server: {@code kubectl apply} of a Gateway that breaks one prints the rule's message and stores
 * nothing, and a CRD whose rule does not compile is refused. Skipped where kubectl is not installed.
 */
class KubectlGatewayApiRulesTest {

    @RegisterExtension
    static final KubectlOnEmbeddedCluster kubectl = new KubectlOnEmbeddedCluster();

    @Test
    void applyingAGatewayWithTlsOnAnHttpListenerPrintsTheRulesMessage() {
        CommandRun.Result refused = kubectl.runWithInput("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: http-with-tls
                spec:
                  gatewayClassName: istio
                  listeners:
                  - name: http
                    port: 80
                    protocol: HTTP
                    tls:
                      certificateRefs:
                      - name: httpbin-credential
                """, "apply", "-f", "-");

        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertThat(refused.err()).contains("The Gateway \"http-with-tls\" is invalid: spec.listeners: Invalid value: "
                + "\"array\": tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']");
        assertThat(kubectl.run("get", "gateway", "http-with-tls").err()).contains("not found");
    }

    @Test
    void aCrdWhoseRuleDoesNotCompileIsRefused() {
        CommandRun.Result refused = kubectl.runWithInput("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: widgets.example.com
                spec:
                  group: example.com
                  scope: Namespaced
                  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            type: object
                            x-kubernetes-validations:
                            - rule: "self.size >"
                            properties:
                              size: {type: integer}
                """, "apply", "-f", "-");

        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertThat(refused.err()).contains("The CustomResourceDefinition \"widgets.example.com\" is invalid: "
                        + "spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: "
                        + "Invalid value: apiextensions.ValidationRule{Rule:\"self.size >\", Message:\"\"")
                .contains("compilation failed: ERROR: <input>:1:");
        assertThat(succeeds(kubectl.run("get", "crd", "-o", "name")).out()).doesNotContain("widgets.example.com");
    }
}

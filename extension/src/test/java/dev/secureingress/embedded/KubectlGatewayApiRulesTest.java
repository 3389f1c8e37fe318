package dev.secureingress.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.secureingress.embedded.Kubectl.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kubectl against the CEL rules of the embedded API server's Gateway API CRDs and of a CRD applied with kubectl, as
 * against a real API server: {@code kubectl apply} of a Gateway that breaks one prints the rule's message and stores
 * nothing, a CRD whose rule does not compile is refused, and one whose rules use the Kubernetes CEL libraries and
 * {@code optionalOldSelf} checks its objects with the server's messages. Skipped where kubectl is not installed.
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

    @Test
    void aCrdWhoseRulesUseTheKubernetesLibrariesIsAppliedAndItsObjectsCheckedWithTheServersMessages() {
        succeeds(kubectl.runWithInput("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: subnets.example.com
                spec:
                  group: example.com
                  scope: Namespaced
                  names: {kind: Subnet, plural: subnets, singular: subnet, listKind: SubnetList}
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
                            properties:
                              range:
                                type: string
                                x-kubernetes-validations:
                                - rule: "cidr(self).prefixLength() >= 16"
                                  messageExpression: "'prefix /' + string(cidr(self).prefixLength()) + ' is too wide'"
                                - rule: "!oldSelf.hasValue() || cidr(oldSelf.value()).containsCIDR(self)"
                                  optionalOldSelf: true
                                  message: a subnet may only shrink
                """, "apply", "-f", "-"));
        String subnet = """
                apiVersion: example.com/v1
                kind: Subnet
                metadata:
                  name: %s
                spec:
                  range: "%s"
                """;

        succeeds(kubectl.runWithInput(subnet.formatted("pods", "10.1.0.0/16"), "apply", "-f", "-"));
        CommandRun.Result wide = kubectl.runWithInput(subnet.formatted("wide", "10.0.0.0/8"), "apply", "-f", "-");
        CommandRun.Result garbage = kubectl.runWithInput(subnet.formatted("garbage", "10.0.0.0"), "apply", "-f", "-");
        CommandRun.Result grown = kubectl.runWithInput(subnet.formatted("pods", "10.0.0.0/15"), "apply", "-f", "-");

        assertThat(wide.err()).as(wide.toString()).contains("The Subnet \"wide\" is invalid: spec.range: Invalid "
                + "value: \"string\": prefix /8 is too wide");
        assertThat(garbage.err()).as(garbage.toString()).contains("spec.range: Invalid value: \"string\": network "
                + "address parse error during conversion from string: netip.ParsePrefix(\"10.0.0.0\"): no '/' "
                + "evaluating rule: cidr(self).prefixLength() >= 16");
        assertThat(grown.err()).as(grown.toString()).contains("The Subnet \"pods\" is invalid: \n"
                + "* spec.range: Invalid value: \"string\": prefix /15 is too wide\n"
                + "* spec.range: Invalid value: \"string\": a subnet may only shrink");
        assertThat(succeeds(kubectl.run("get", "subnet", "pods", "-o", "jsonpath={.spec.range}")).out())
                .isEqualTo("10.1.0.0/16");
    }
}

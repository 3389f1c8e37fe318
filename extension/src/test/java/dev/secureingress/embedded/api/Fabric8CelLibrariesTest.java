package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A user's CRD whose rules use the Kubernetes CEL libraries (lists, regex, URLs, IPs and CIDRs, quantities, sets,
 * optionals, formats), {@code optionalOldSelf} and the cost limit, through fabric8: the CRD is accepted, objects that
 * keep the rules are stored, the others are refused with kube-apiserver's messages.
 */
class Fabric8CelLibrariesTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    private static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: backends.cel.example.com}
            spec:
              group: cel.example.com
              scope: Namespaced
              names: {plural: backends, singular: backend, kind: Backend, listKind: BackendList}
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
                          weights:
                            type: array
                            maxItems: 1000
                            items: {type: integer}
                            x-kubernetes-validations:
                            - rule: "self.size() == 0 || self.isSorted()"
                              message: weights must be sorted
                            - rule: "self.size() < 10 || self.sum() <= 1000000"
                              messageExpression: "'weights add up to ' + string(self.sum())"
                            - rule: "self.all(x, self.all(y, x + y >= 0))"
                          name:
                            type: string
                            x-kubernetes-validations:
                            - rule: "self.find('[A-Z]') == ''"
                              messageExpression: "'name has upper case ' + self.findAll('[A-Z]').join(',')"
                          endpoint:
                            type: string
                            x-kubernetes-validations:
                            - rule: "isURL(self) && url(self).getScheme() == 'https' && url(self).getPort() != '80'"
                              message: endpoint must be an https URL not on port 80
                          address:
                            type: string
                            x-kubernetes-validations:
                            - rule: "cidr('10.0.0.0/8').containsIP(self)"
                          memory:
                            type: string
                            x-kubernetes-validations:
                            - rule: "quantity(self).isLessThan(quantity('1Gi'))"
                              message: memory must be less than 1Gi
                          zones:
                            type: array
                            items: {type: string}
                            x-kubernetes-validations:
                            - rule: "sets.contains(['a', 'b', 'c'], self)"
                              message: zones are a, b and c
                          labels:
                            type: object
                            additionalProperties: {type: string}
                            x-kubernetes-validations:
                            - rule: "self[?'team'].orValue('') != ''"
                              message: a team label is needed
                              reason: FieldValueRequired
                          hostname:
                            type: string
                            x-kubernetes-validations:
                            - rule: "!format.dns1123Subdomain().validate(self).hasValue()"
                              messageExpression: "format.dns1123Subdomain().validate(self).value()[0]"
                          level:
                            type: integer
                            x-kubernetes-validations:
                            - rule: "oldSelf.hasValue() ? self >= oldSelf.value() : self <= 3"
                              optionalOldSelf: true
                              message: level starts at 3 at most and never goes down
            """;

    private static final String VALID = """
            weights: [1, 2, 3]
            name: web
            endpoint: https://example.com:8443/api
            address: 10.1.2.3
            memory: 512Mi
            zones: [a, c]
            labels: {team: edge}
            hostname: web.example.com
            level: 2
            """;

    @BeforeAll
    static void createTheCrd() {
        api.client().apiextensions().v1().customResourceDefinitions()
                .resource(ApiJson.read(CRD, CustomResourceDefinition.class)).create();
    }

    private static GenericKubernetesResource backend(String name, String spec) {
        GenericKubernetesResource backend = ApiJson.read("""
                apiVersion: cel.example.com/v1
                kind: Backend
                metadata: {name: %s, namespace: default}
                """.formatted(name), GenericKubernetesResource.class);
        backend.setAdditionalProperty("spec", ApiJson.read("spec:\n" + spec.indent(2), Map.class).get("spec"));
        return backend;
    }

    /** The valid spec with {@code field} set to {@code value} (YAML). */
    private static GenericKubernetesResource backendWith(String name, String field, String value) {
        return backend(name, VALID.replaceFirst("(?m)^" + field + ": .*$", field + ": " + value));
    }

    private static void assertRefused(GenericKubernetesResource backend, String message) {
        assertThatThrownBy(() -> api.client().resource(backend).create())
                .isInstanceOfSatisfying(KubernetesClientException.class,
                        refused -> assertThat(refused.getCode()).isEqualTo(422))
                .hasMessageContaining("Backend.cel.example.com \"" + backend.getMetadata().getName() + "\" is invalid: "
                        + message);
    }

    @Test
    void anObjectThatKeepsEveryRuleIsStored() {
        GenericKubernetesResource stored = api.client().resource(backend("valid", VALID)).create();

        assertThat(stored.getAdditionalProperties().get("spec")).asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("memory", "512Mi");
    }

    @Test
    void listAndRegexRulesRefuseWithTheirMessages() {
        assertRefused(backendWith("unsorted", "weights", "[3, 1]"),
                "spec.weights: Invalid value: \"array\": weights must be sorted");
        assertRefused(backendWith("heavy", "weights", "[1, 1, 1, 1, 1, 1, 1, 1, 1, 1000000]"),
                "spec.weights: Invalid value: \"array\": weights add up to 1000009");
        assertRefused(backendWith("upper", "name", "WebApp"),
                "spec.name: Invalid value: \"string\": name has upper case W,A");
    }

    @Test
    void urlIpAndQuantityRulesRefuseWithTheirMessagesAndReportParseErrorsAsTheServerDoes() {
        assertRefused(backendWith("plain-http", "endpoint", "http://example.com/api"),
                "spec.endpoint: Invalid value: \"string\": endpoint must be an https URL not on port 80");
        assertRefused(backendWith("outside", "address", "192.168.0.1"),
                "spec.address: Invalid value: \"string\": failed rule: cidr('10.0.0.0/8').containsIP(self)");
        assertRefused(backendWith("bad-ip", "address", "10.0.0"),
                "spec.address: Invalid value: \"string\": IP Address \"10.0.0\" parse error during conversion from "
                        + "string: ParseAddr(\"10.0.0\"): IPv4 address too short evaluating rule: "
                        + "cidr('10.0.0.0/8').containsIP(self)");
        assertRefused(backendWith("big", "memory", "2Gi"),
                "spec.memory: Invalid value: \"string\": memory must be less than 1Gi");
        assertRefused(backendWith("not-a-quantity", "memory", "lots"),
                "spec.memory: Invalid value: \"string\": quantities must match the regular expression "
                        + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' evaluating rule: memory must be less than 1Gi");
    }

    @Test
    void setOptionalAndFormatRulesRefuseWithTheirMessages() {
        assertRefused(backendWith("far", "zones", "[a, z]"), "spec.zones: Invalid value: \"array\": zones are a, b and c");
        assertRefused(backendWith("no-team", "labels", "{app: web}"),
                "spec.labels: Required value: a team label is needed");
        assertRefused(backendWith("bad-host", "hostname", "Web.example.com"),
                "spec.hostname: Invalid value: \"string\": a lowercase RFC 1123 subdomain must consist of lower case "
                        + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
    }

    @Test
    void anOptionalOldSelfRuleRunsOnCreateAndOnEveryUpdate() {
        assertRefused(backendWith("too-high", "level", "5"),
                "spec.level: Invalid value: \"integer\": level starts at 3 at most and never goes down");
        api.client().resource(backendWith("levelled", "level", "2")).create();

        GenericKubernetesResource lower = backendWith("levelled", "level", "1");
        lower.getMetadata().setResourceVersion(null);
        assertThatThrownBy(() -> api.client().resource(lower).update())
                .hasMessageContaining("spec.level: Invalid value: \"integer\": level starts at 3 at most and never "
                        + "goes down");
        GenericKubernetesResource higher = backendWith("levelled", "level", "7");
        GenericKubernetesResource updated = api.client().resource(higher).update();
        assertThat(ApiJson.write(updated)).contains("\"level\":7");
    }

    @Test
    void aCrdWithOptionalOldSelfOnARuleWithoutOldSelfIsRefused() {
        String crd = CRD.replace("backends.cel.example.com", "others.cel.example.com")
                .replace("plural: backends, singular: backend, kind: Backend, listKind: BackendList",
                        "plural: others, singular: other, kind: Other, listKind: OtherList")
                .replace("rule: \"oldSelf.hasValue() ? self >= oldSelf.value() : self <= 3\"", "rule: \"self <= 3\"");

        assertThatThrownBy(() -> api.client().apiextensions().v1().customResourceDefinitions()
                .resource(ApiJson.read(crd, CustomResourceDefinition.class)).create())
                .isInstanceOfSatisfying(KubernetesClientException.class,
                        refused -> assertThat(refused.getCode()).isEqualTo(422))
                .hasMessageContaining("spec.validation.openAPIV3Schema.properties[spec].properties[level]"
                        + ".x-kubernetes-validations[0].optionalOldSelf: Invalid value: true: may not be set if oldSelf "
                        + "is not used in rule");
    }

    @Test
    void aRuleThatRunsPastThePerCallCostLimitIsRefusedNamingTheRule() {
        String thousand = IntStream.range(0, 1000).mapToObj(Integer::toString)
                .collect(Collectors.joining(", ", "[", "]"));

        assertRefused(backendWith("costly", "weights", thousand),
                "spec.weights: Invalid value: \"array\": 'operation cancelled: actual cost limit exceeded': no further "
                        + "validation rules will be run due to call cost exceeds limit for rule: "
                        + "self.all(x, self.all(y, x + y >= 0))");
    }
}

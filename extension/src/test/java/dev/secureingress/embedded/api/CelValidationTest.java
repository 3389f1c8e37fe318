package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CelValidationTest {

    private static final JSONSchemaProps SCHEMA = ApiJson.read("""
            type: object
            properties:
              spec:
                type: object
                x-kubernetes-validations:
                - rule: "self.replicas <= self.maxReplicas"
                  messageExpression: "'replicas ' + string(self.replicas) + ' exceed ' + string(self.maxReplicas)"
                - rule: "!has(self.mode) || self.mode != 'Legacy'"
                  message: legacy mode is gone
                  reason: FieldValueForbidden
                  fieldPath: .mode
                - rule: "self.maxReplicas < 100"
                - rule: "has(self.owner)"
                  message: an owner is needed
                  reason: FieldValueRequired
                properties:
                  replicas: {type: integer}
                  maxReplicas: {type: integer}
                  mode: {type: string}
                  owner: {type: string}
                  namespace: {type: string}
                  class:
                    type: string
                    x-kubernetes-validations:
                    - rule: "self == oldSelf"
                      message: Value is immutable
                  ports:
                    type: array
                    x-kubernetes-validations:
                    - rule: "self.all(p, self.exists_one(q, p.name == q.name))"
                      reason: FieldValueDuplicate
                    items:
                      type: object
                      properties:
                        name: {type: string}
                        port:
                          x-kubernetes-int-or-string: true
                          x-kubernetes-validations:
                          - rule: "type(self) == int ? self > 0 : self.size() > 0"
                            message: port must be positive or named
                  labels:
                    type: object
                    additionalProperties: {type: string}
                    x-kubernetes-validations:
                    - rule: "self.all(k, k.lowerAscii() == k && !k.contains('__'))"
                      message: label keys are lower case
                  optional:
                    type: object
                    x-kubernetes-validations:
                    - rule: "false"
                      message: never reached when absent
                    properties:
                      x: {type: string}
            """, JSONSchemaProps.class);

    private static Map<String, Object> object(String yaml) {
        return ApiJson.parseObject(ApiJson.write(ApiJson.read(yaml, Map.class)));
    }

    @Test
    void anObjectThatKeepsEveryRulePasses() {
        Map<String, Object> valid = object("""
                spec: {replicas: 2, maxReplicas: 3, owner: me, namespace: team, ports: [{name: a, port: 80}, {name: b, port: http}],
                       labels: {app: web}}
                """);

        assertThat(CelValidation.check(SCHEMA, valid, null)).isEmpty();
    }

    @Test
    void aFailedRuleSaysItsMessageExpressionItsMessageOrItsRuleWithItsReasonAndFieldPath() {
        Map<String, Object> invalid = object("spec: {replicas: 500, maxReplicas: 300, mode: Legacy}");

        assertThat(CelValidation.check(SCHEMA, invalid, null)).containsExactly(
                new ObjectValidation.Violation("FieldValueInvalid", "spec",
                        "Invalid value: \"object\": replicas 500 exceed 300"),
                new ObjectValidation.Violation("FieldValueForbidden", "spec.mode", "Forbidden: legacy mode is gone"),
                new ObjectValidation.Violation("FieldValueInvalid", "spec",
                        "Invalid value: \"object\": failed rule: self.maxReplicas < 100"),
                new ObjectValidation.Violation("FieldValueRequired", "spec", "Required value: an owner is needed"));
    }

    @Test
    void aDuplicateReasonPrintsTheNodesTypeAndIntOrStringValuesAreIntsOrStrings() {
        Map<String, Object> invalid = object("""
                spec: {replicas: 1, maxReplicas: 1, owner: me, ports: [{name: a, port: 0}, {name: a, port: ""}]}
                """);

        assertThat(CelValidation.check(SCHEMA, invalid, null)).containsExactly(
                new ObjectValidation.Violation("FieldValueDuplicate", "spec.ports", "Duplicate value: \"array\""),
                new ObjectValidation.Violation("FieldValueInvalid", "spec.ports[0].port",
                        "Invalid value: \"\": port must be positive or named"),
                new ObjectValidation.Violation("FieldValueInvalid", "spec.ports[1].port",
                        "Invalid value: \"\": port must be positive or named"));
    }

    @Test
    void mapKeysStayAsTheyAreAndStringFunctionsOfTheStringsExtensionWork() {
        Map<String, Object> invalid = object("spec: {replicas: 1, maxReplicas: 1, owner: me, labels: {App: web}}");

        assertThat(CelValidation.check(SCHEMA, invalid, null)).containsExactly(new ObjectValidation.Violation(
                "FieldValueInvalid", "spec.labels", "Invalid value: \"object\": label keys are lower case"));
    }

    @Test
    void aTransitionRuleIsEvaluatedOnlyOnAnUpdateWhereTheOldObjectHasTheValue() {
        Map<String, Object> created = object("spec: {replicas: 1, maxReplicas: 1, owner: me, class: gold}");
        Map<String, Object> changed = object("spec: {replicas: 1, maxReplicas: 1, owner: me, class: silver}");
        Map<String, Object> withoutClass = object("spec: {replicas: 1, maxReplicas: 1, owner: me}");

        assertThat(CelValidation.check(SCHEMA, created, null)).isEmpty();
        assertThat(CelValidation.check(SCHEMA, changed, withoutClass)).isEmpty();
        assertThat(CelValidation.check(SCHEMA, changed, created)).containsExactly(new ObjectValidation.Violation(
                "FieldValueInvalid", "spec.class", "Invalid value: \"string\": Value is immutable"));
    }

    @Test
    void anUpdateThatLeavesAFailingValueUnchangedIsAllowedAsTheServerRatchetsIt() {
        Map<String, Object> stored = object("spec: {replicas: 1, maxReplicas: 500, owner: me}");
        Map<String, Object> relabelled = object("spec: {replicas: 1, maxReplicas: 500, owner: me}");
        Map<String, Object> grown = object("spec: {replicas: 2, maxReplicas: 500, owner: me}");

        assertThat(CelValidation.check(SCHEMA, relabelled, stored)).isEmpty();
        assertThat(CelValidation.check(SCHEMA, grown, stored)).extracting(ObjectValidation.Violation::message)
                .containsExactly("Invalid value: \"object\": failed rule: self.maxReplicas < 100");
    }

    @Test
    void aValueAnUpdateLeavesUnchangedIsNeitherEvaluatedNorCompiled() {
        JSONSchemaProps schema = ApiJson.read("""
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations:
                    - rule: "self.size >"
                    properties:
                      size: {type: integer}
                  status:
                    type: object
                    properties:
                      ready: {type: boolean}
                """, JSONSchemaProps.class);
        Map<String, Object> stored = object("spec: {size: 1}\nstatus: {ready: false}");
        Map<String, Object> statusWritten = object("spec: {size: 1}\nstatus: {ready: true}");
        Map<String, Object> specWritten = object("spec: {size: 2}\nstatus: {ready: false}");

        assertThat(CelValidation.check(schema, statusWritten, stored)).isEmpty();
        assertThat(CelValidation.check(schema, specWritten, stored)).extracting(ObjectValidation.Violation::field)
                .containsExactly("spec");
    }

    @Test
    void reservedWordsAreEscapedAndAMissingFieldIsAnEvaluationError() {
        JSONSchemaProps schema = ApiJson.read("""
                type: object
                properties:
                  ref:
                    type: object
                    x-kubernetes-validations:
                    - rule: "self.__namespace__ == 'team' && self.my__dash__name.size() > 0"
                      message: namespace must be team
                    properties:
                      namespace: {type: string}
                      my-name: {type: string}
                """, JSONSchemaProps.class);

        assertThat(CelValidation.check(schema, object("ref: {namespace: team, my-name: x}"), null)).isEmpty();
        assertThat(CelValidation.check(schema, object("ref: {namespace: other, my-name: x}"), null))
                .extracting(ObjectValidation.Violation::message)
                .containsExactly("Invalid value: \"object\": namespace must be team");
        assertThat(CelValidation.check(schema, object("ref: {namespace: team}"), null))
                .extracting(ObjectValidation.Violation::message)
                .containsExactly("Invalid value: \"object\": no such key: my__dash__name evaluating rule: "
                        + "namespace must be team");
    }

    @Test
    void aRuleThatDoesNotCompileIsReportedWhereItIsAndCompileErrorsNameTheRule() {
        JSONSchemaProps schema = ApiJson.read("""
                type: object
                properties:
                  spec:
                    type: object
                    x-kubernetes-validations:
                    - rule: "self.replicas >"
                """, JSONSchemaProps.class);

        List<ObjectValidation.Violation> violations = CelValidation.check(schema, object("spec: {}"), null);

        assertThat(violations).singleElement().satisfies(violation -> {
            assertThat(violation.field()).isEqualTo("spec");
            assertThat(violation.message()).startsWith("Invalid value: \"object\": rule compile error: ERROR: <input>:1:");
        });
        assertThat(CelPrograms.rule("self.replicas >").compiles()).isFalse();
        assertThat(CelPrograms.rule("self.x").compiles()).isTrue(); // dynamic: its type shows when evaluated
        assertThat(CelPrograms.rule("1 + 1").errors()).isEqualTo("cel expression must evaluate to a bool");
    }

    @Test
    void aFieldPathWithAQuotedKeyIsPrintedAsTheServerPrintsIt() {
        assertThat(CelValidation.withFieldPath("spec", ".labels['a.b'].x")).isEqualTo("spec.labels[a.b].x");
        assertThat(CelValidation.withFieldPath("", ".spec.x")).isEqualTo("spec.x");
    }
}

package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import org.junit.jupiter.api.Test;


import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaValidatorTest {

    /** A schema written as an upstream CRD writes one, with the constraints the model classes cannot carry. */
    private static final JSONSchemaProps LISTENER_SCHEMA = ApiJson.read("""
            type: object
            properties:
              spec:
                type: object
                required: [gatewayClassName, listeners]
                properties:
                  gatewayClassName: {type: string, minLength: 1, maxLength: 10}
                  listeners:
                    type: array
                    minItems: 1
                    maxItems: 2
                    items:
                      type: object
                      required: [name, port, protocol]
                      properties:
                        name: {type: string, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'}
                        port: {type: integer, format: int32, minimum: 1, maximum: 65535}
                        protocol: {type: string, enum: [HTTP, HTTPS, TLS]}
                        weight: {type: integer, minimum: 0, exclusiveMinimum: true}
                  extra:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
            """, JSONSchemaProps.class);

    @Test
    void unknownFieldsArePrunedAndReportedWithTheirPaths() {
        Map<String, Object> gateway = object("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: gw, labels: {any-key: x}, colour: red}
                spec:
                  gatewayClassName: istio
                  listners: []
                  listeners:
                  - {name: https, port: 443, protocol: HTTPS, portt: 8443, tls: {options: {any.option/key: v}}}
                """);

        SchemaValidator.Findings findings = SchemaValidator.check(ModelSchemas.ofKind(Gateway.class), gateway);

        assertThat(findings.unknownFields()).containsExactly("metadata.colour", "spec.listeners[0].portt", "spec.listners");
        assertThat(findings.violations()).isEmpty();
        assertThat(ApiJson.write(gateway)).doesNotContain("listners").doesNotContain("portt")
                .doesNotContain("colour").contains("any-key").contains("any.option/key").contains("\"port\":443");
    }

    @Test
    void fieldsUnderPreserveUnknownFieldsAreKept() {
        Map<String, Object> object = object("""
                spec: {gatewayClassName: istio, listeners: [{name: a, port: 80, protocol: HTTP}], extra: {any: {deep: 1}}}
                """);

        SchemaValidator.Findings findings = SchemaValidator.check(LISTENER_SCHEMA, object);

        assertThat(findings.unknownFields()).isEmpty();
        assertThat(findings.violations()).isEmpty();
        assertThat(ApiJson.write(object)).contains("\"deep\":1");
    }

    @Test
    void aValueOfTheWrongTypeIsRefusedWithTheServersMessage() {
        Map<String, Object> gateway = object("""
                spec: {gatewayClassName: istio, listeners: [{name: https, port: "443", protocol: HTTPS}]}
                """);

        SchemaValidator.Findings findings = SchemaValidator.check(ModelSchemas.ofKind(Gateway.class), gateway);

        assertThat(findings.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.reason()).isEqualTo("FieldValueTypeInvalid");
            assertThat(violation.field()).isEqualTo("spec.listeners[0].port");
            assertThat(violation.message()).isEqualTo(
                    "Invalid value: \"string\": spec.listeners[0].port in body must be of type integer: \"string\"");
        });
    }

    @Test
    void intOrStringTakesNumbersAndTextButNothingElse() {
        Map<String, Object> service = object("""
                spec: {ports: [{port: 80, targetPort: http}, {port: 81, targetPort: 8081}, {port: 82, targetPort: true}]}
                """);

        SchemaValidator.Findings findings = SchemaValidator.check(ModelSchemas.ofKind(Service.class), service);

        assertThat(findings.violations()).extracting(ObjectValidation.Violation::message).containsExactly(
                "Invalid value: \"boolean\": spec.ports[2].targetPort in body must be of type integer,string: \"boolean\"");
    }

    @Test
    void nullsOfNonNullableFieldsAreDroppedSilently() {
        Map<String, Object> gateway = object("""
                spec: {gatewayClassName: istio, addresses: null, listeners: [{name: a, port: 80, protocol: HTTP, hostname: null}]}
                """);

        SchemaValidator.Findings findings = SchemaValidator.check(ModelSchemas.ofKind(Gateway.class), gateway);

        assertThat(findings.unknownFields()).isEmpty();
        assertThat(findings.violations()).isEmpty();
        assertThat(ApiJson.write(gateway)).doesNotContain("addresses").doesNotContain("hostname");
    }

    @Test
    void theConstraintsOfAnUpstreamSchemaAreCheckedWithTheServersMessages() {
        Map<String, Object> object = object("""
                spec:
                  gatewayClassName: a-much-too-long-name
                  listeners:
                  - {name: Not_A_Label, port: 0, protocol: HTTP3, weight: 0}
                  - {port: 70000, protocol: HTTP}
                  - {name: c, port: 443, protocol: TLS}
                """);

        SchemaValidator.Findings findings = SchemaValidator.check(LISTENER_SCHEMA, object);

        assertThat(findings.violations()).extracting(v -> v.field() + ": " + v.message()).containsExactlyInAnyOrder(
                "spec.gatewayClassName: Too long: may not be longer than 10",
                "spec.listeners: Too many: 3: must have at most 2 items",
                "spec.listeners[0].name: Invalid value: \"Not_A_Label\": spec.listeners[0].name in body should match "
                        + "'^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'",
                "spec.listeners[0].port: Invalid value: 0: spec.listeners[0].port in body should be greater than or equal to 1",
                "spec.listeners[0].protocol: Unsupported value: \"HTTP3\": supported values: \"HTTP\", \"HTTPS\", \"TLS\"",
                "spec.listeners[0].weight: Invalid value: 0: spec.listeners[0].weight in body should be greater than 0",
                "spec.listeners[1].name: Required value",
                "spec.listeners[1].port: Invalid value: 70000: spec.listeners[1].port in body should be less than or equal to 65535");
        assertThat(findings.violations()).filteredOn(v -> v.field().equals("spec.listeners[1].name"))
                .extracting(ObjectValidation.Violation::reason).containsExactly("FieldValueRequired");
    }

    @Test
    void tooFewItemsAndTooShortTextAreInvalidValues() {
        Map<String, Object> object = object("""
                spec: {gatewayClassName: "", listeners: []}
                """);

        SchemaValidator.Findings findings = SchemaValidator.check(LISTENER_SCHEMA, object);

        assertThat(findings.violations()).extracting(v -> v.field() + ": " + v.message()).containsExactlyInAnyOrder(
                "spec.gatewayClassName: Invalid value: \"\": spec.gatewayClassName in body should be at least 1 chars long",
                "spec.listeners: Invalid value: 0: spec.listeners in body should have at least 1 items");
        assertThat(SchemaValidator.check(LISTENER_SCHEMA, object("spec: {}\n")).violations())
                .extracting(ObjectValidation.Violation::field)
                .containsExactlyInAnyOrder("spec.gatewayClassName", "spec.listeners");
    }

    @Test
    void goQuotingEscapesQuotesBackslashesAndControlCharacters() {
        assertThat(SchemaValidator.goQuoted("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\x01\"");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String yaml) {
        return ApiJson.parseObject(ApiJson.write(ApiJson.read(yaml, Map.class)));
    }

}

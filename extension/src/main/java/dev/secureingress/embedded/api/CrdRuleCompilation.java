package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The check a real API server makes of the CEL rules of a CustomResourceDefinition before it stores it: every
 * {@code rule} and {@code messageExpression} must compile ({@link CelPrograms}), else the CRD is refused, e.g.
 * {@code spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value:
 * apiextensions.ValidationRule{Rule:"self.used <=", ...}: compilation failed: ERROR: <input>:1:13: ...}. The path
 * starts at {@code spec.validation} when every version has the same schema, as the API server's internal form has it,
 * else at {@code spec.versions[i].schema}. {@code optionalOldSelf} may be set only on a rule that reads
 * {@code oldSelf}. As on the API server, a literal that does not parse (a regular expression, a
 * duration, a timestamp) or a list or map literal of mixed types fails the compilation. The compiler's messages are
 * cel-java's, which word some errors differently from cel-go's.
 */
final class CrdRuleCompilation {

    private final List<ObjectValidation.Violation> violations = new ArrayList<>();

    private CrdRuleCompilation() {
    }

    /** True for the resource of CustomResourceDefinitions. */
    static boolean concerns(ResourcePath target) {
        return target.group().equals("apiextensions.k8s.io") && target.plural().equals("customresourcedefinitions")
                && target.subresource() == null;
    }

    /** The rules of {@code crd}, a CustomResourceDefinition as JSON, that do not compile. */
    static List<ObjectValidation.Violation> violations(Map<String, Object> crd) {
        CustomResourceDefinition definition;
        try {
            definition = ApiJson.convert(crd, CustomResourceDefinition.class);
        } catch (RuntimeException unreadable) {
            return List.of(); // the store answers what it cannot read
        }
        if (definition.getSpec() == null || definition.getSpec().getVersions() == null) {
            return List.of();
        }
        List<CustomResourceDefinitionVersion> versions = definition.getSpec().getVersions();
        List<JSONSchemaProps> schemas = versions.stream()
                .map(version -> version.getSchema() == null ? null : version.getSchema().getOpenAPIV3Schema())
                .toList();
        CrdRuleCompilation compilation = new CrdRuleCompilation();
        if (!schemas.isEmpty() && schemas.stream().allMatch(schema -> Objects.equals(schema, schemas.get(0)))) {
            compilation.visit(schemas.get(0), "spec.validation.openAPIV3Schema");
        } else {
            for (int i = 0; i < schemas.size(); i++) {
                compilation.visit(schemas.get(i), "spec.versions[" + i + "].schema.openAPIV3Schema");
            }
        }
        return List.copyOf(compilation.violations);
    }

    private void visit(JSONSchemaProps schema, String path) {
        if (schema == null) {
            return;
        }
        List<ValidationRule> rules = schema.getXKubernetesValidations();
        for (int i = 0; rules != null && i < rules.size(); i++) {
            check(rules.get(i), path + ".x-kubernetes-validations[" + i + "]");
        }
        if (schema.getProperties() != null) {
            schema.getProperties().forEach((name, property) -> visit(property, path + ".properties[" + name + "]"));
        }
        if (schema.getItems() != null) {
            visit(schema.getItems().getSchema(), path + ".items");
        }
        if (schema.getAdditionalProperties() != null) {
            visit(schema.getAdditionalProperties().getSchema(), path + ".additionalProperties");
        }
    }

    private void check(ValidationRule rule, String path) {
        if (rule.getRule() == null || rule.getRule().isBlank()) {
            violations.add(new ObjectValidation.Violation("FieldValueRequired", path + ".rule", "Required value"));
            return;
        }
        CelPrograms.Compiled compiled = Boolean.TRUE.equals(rule.getOptionalOldSelf())
                ? CelPrograms.ruleWithOptionalOldSelf(rule.getRule()) : CelPrograms.rule(rule.getRule());
        if (!compiled.compiles()) {
            violations.add(new ObjectValidation.Violation("FieldValueInvalid", path + ".rule", "Invalid value: "
                    + goValue(rule) + ": compilation failed: " + compiled.errors()));
        } else if (rule.getOptionalOldSelf() != null && !compiled.transition()) {
            violations.add(new ObjectValidation.Violation("FieldValueInvalid", path + ".optionalOldSelf",
                    "Invalid value: " + rule.getOptionalOldSelf() + ": may not be set if oldSelf is not used in rule"));
        }
        if (rule.getMessageExpression() != null && !rule.getMessageExpression().isEmpty()) {
            CelPrograms.Compiled message = CelPrograms.messageExpression(rule.getMessageExpression());
            if (!message.compiles()) {
                violations.add(new ObjectValidation.Violation("FieldValueInvalid", path + ".messageExpression",
                        "Invalid value: " + goValue(rule) + ": messageExpression compilation failed: "
                                + message.errors()));
            }
        }
    }

    /** The rule as the API server prints it in these errors: Go's {@code %#v} of its internal type. */
    private static String goValue(ValidationRule rule) {
        return "apiextensions.ValidationRule{Rule:" + quoted(rule.getRule())
                + ", Message:" + quoted(rule.getMessage())
                + ", MessageExpression:" + quoted(rule.getMessageExpression())
                + ", Reason:(*apiextensions.FieldValueErrorReason)(" + (rule.getReason() == null ? "nil"
                : SchemaValidator.goQuoted(rule.getReason())) + ")"
                + ", FieldPath:" + quoted(rule.getFieldPath())
                + ", OptionalOldSelf:(*bool)(" + (rule.getOptionalOldSelf() == null ? "nil" : rule.getOptionalOldSelf())
                + ")}";
    }

    private static String quoted(String text) {
        return SchemaValidator.goQuoted(text == null ? "" : text);
    }
}

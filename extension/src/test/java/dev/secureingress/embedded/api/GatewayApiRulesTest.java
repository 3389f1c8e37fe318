package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayApiRulesTest {

    private static void collect(JSONSchemaProps schema, List<ValidationRule> rules) {
        if (schema == null) {
            return;
        }
        if (schema.getXKubernetesValidations() != null) {
            rules.addAll(schema.getXKubernetesValidations());
        }
        if (schema.getProperties() != null) {
            schema.getProperties().values().forEach(property -> collect(property, rules));
        }
        if (schema.getItems() != null) {
            collect(schema.getItems().getSchema(), rules);
        }
        if (schema.getAdditionalProperties() != null) {
            collect(schema.getAdditionalProperties().getSchema(), rules);
        }
    }

    @Test
    void everyRuleOfTheGeneratedCrdsCompiles() {
        List<ValidationRule> rules = new ArrayList<>();
        for (CustomResourceDefinition crd : GatewayApiCrds.standardChannel()) {
            collect(crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema(), rules);
        }

        assertThat(rules).hasSizeGreaterThan(60);
        assertThat(rules).allSatisfy(rule -> assertThat(CelPrograms.rule(rule.getRule()).errors())
                .as(rule.getRule()).isNull());
    }

    @Test
    void aPathMatchAndARedirectPathAreCheckedAsUpstreamChecksThem() {
        JSONSchemaProps route = GatewayApiCrds.standardChannel().stream()
                .filter(crd -> crd.getSpec().getNames().getKind().equals("HTTPRoute")).findFirst().orElseThrow()
                .getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
        Map<String, Object> object = ApiJson.parseObject("""
                {"spec": {"rules": [{"matches": [{"path": {"type": "Exact", "value": "/a//b"}}],
                                     "filters": [{"type": "RequestRedirect",
                                                  "requestRedirect": {"path": {"type": "ReplaceFullPath"}}}]}]}}
                """);

        assertThat(CelValidation.check(route, object, null)).extracting(violation -> violation.field() + ": "
                + violation.message()).containsExactly(
                "spec.rules[0].matches[0].path: Invalid value: \"object\": must not contain '//' when type one of "
                        + "['Exact', 'PathPrefix']",
                "spec.rules[0].filters[0].requestRedirect.path: Invalid value: \"object\": replaceFullPath must be "
                        + "specified when type is set to 'ReplaceFullPath'");
    }
}

package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void theBuildStoresEveryRuleOfTheCrdsCompiled() throws IOException {
        List<ValidationRule> rules = new ArrayList<>();
        for (CustomResourceDefinition crd : GatewayApiCrds.standardChannel()) {
            collect(crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema(), rules);
        }
        Map<String, Object> stored;
        try (InputStream in = CelPrograms.class.getResourceAsStream(CelPrograms.PRECOMPILED)) {
            assertThat(in).as("the build's " + CelPrograms.PRECOMPILED + " (exec-maven-plugin, process-classes)")
                    .isNotNull();
            stored = ApiJson.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }

        assertThat(stored).isEqualTo(CelPrograms.compileAll(GatewayApiRules.ruleTexts()));
        assertThat(stored.keySet()).containsAll(rules.stream().map(ValidationRule::getRule).toList());
    }

    @Test
    void aRuleThatDoesNotCompileIsNotStored() {
        assertThatThrownBy(() -> CelPrograms.compileAll(List.of("self.x >")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("rule self.x > does not compile: ");
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

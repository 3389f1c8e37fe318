package dev.secureingress.ingress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

class IngressPlaceholdersTest {

    private final IngressNames names = new IngressNames("si-x-abcde", "gateway-abcde", "abcde");

    @Test
    void fillsNamespaceGatewayAndSecretNames() {
        ManifestTemplate template = ManifestTemplate.of("t.yaml",
                "ns: ${namespace}\ngw: ${gateway}\nsecret: ${secret:httpbin.example.com}\n");

        assertThat(IngressPlaceholders.render(template, names))
                .isEqualTo("ns: si-x-abcde\ngw: gateway-abcde\nsecret: httpbin-example-com-abcde-credential\n");
        assertThat(IngressPlaceholders.secretHosts(template)).containsExactly("httpbin.example.com");
    }

    @Test
    void rejectsArgumentsWhereNoneBelongAndInvalidHosts() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> IngressPlaceholders.validate(ManifestTemplate.of("t.yaml", "a: ${namespace:x}")))
                .withMessageContaining("unknown placeholder ${namespace:x} at line 1 of t.yaml");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> IngressPlaceholders.validate(ManifestTemplate.of("t.yaml", "\nb: ${secret:Bad_Host}")))
                .withMessageContaining("${secret:Bad_Host} at line 2 of t.yaml: invalid hostname 'Bad_Host'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> IngressPlaceholders.validate(ManifestTemplate.of("t.yaml", "b: ${secret}")))
                .withMessageContaining("unknown placeholder ${secret}");
        assertThatNoException().isThrownBy(() -> IngressPlaceholders.validate(ManifestTemplate.of("t.yaml", "no placeholders")));
    }
}

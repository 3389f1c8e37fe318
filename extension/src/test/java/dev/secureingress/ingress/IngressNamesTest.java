package dev.secureingress.ingress;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngressNamesTest {

    private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";

    @Test
    void namesAreDnsLabelsDerivedFromOwnerAndHost() {
        IngressNames names = IngressNames.forOwner("RotationRegressionTest");

        assertThat(names.namespace()).matches("si-rotation-regression-test-[a-z0-9]{5}").matches(DNS_LABEL);
        assertThat(names.gateway()).isEqualTo("gateway-" + names.suffix());
        assertThat(names.secret("httpbin.example.com")).isEqualTo("httpbin-example-com-" + names.suffix() + "-credential");
        assertThat(names.secret("*.example.com")).startsWith("wildcard-example-com-").matches(DNS_LABEL);
        assertThat(names.listener("helloworld.example.com")).isEqualTo("https-helloworld-example-com");
    }

    @Test
    void longOwnerNamesStayWithinALabel() {
        IngressNames names = IngressNames.forOwner("Outer$AVeryLongNestedTestClassNameThatKeepsGoingAndGoingForeverAndEver");
        assertThat(names.namespace()).matches(DNS_LABEL).hasSizeLessThanOrEqualTo(63);
    }

    @Test
    void theNamespacePrefixIsConfigurableAndChecked() {
        IngressNames names = IngressNames.forOwner("ci-42-", "Outer$AVeryLongNestedTestClassNameThatKeepsGoingAndGoingForeverAndEver");
        assertThat(names.namespace()).startsWith("ci-42-outer-avery-long-").matches(DNS_LABEL).hasSizeLessThanOrEqualTo(63);
        assertThat(IngressNames.forOwner("abcdefghijklmnopq", "x").namespace()).hasSize(17 + 1 + 6);
        assertThatThrownBy(() -> IngressNames.forOwner("abcdefghijklmnopqr", "x"))
                .hasMessageContaining("namespace prefix 'abcdefghijklmnopqr' must be at most 17 lower-case letters");
        assertThatThrownBy(() -> IngressNames.forOwner("-si", "x")).hasMessageContaining("starting with a letter or digit");
    }

    @Test
    void suffixesDifferBetweenOwners() {
        Set<String> namespaces = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            namespaces.add(IngressNames.forOwner("SameClass").namespace());
        }
        assertThat(namespaces).hasSizeGreaterThan(195);
    }
}

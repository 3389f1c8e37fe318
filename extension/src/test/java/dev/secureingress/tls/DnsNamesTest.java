package dev.secureingress.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class DnsNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"httpbin.example.com", "localhost", "a-b.example.com", "1.example.com"})
    void hostNamesHaveNoProblem(String name) {
        assertThat(DnsNames.problem(name, false)).isEmpty();
    }

    @Test
    void wildcardsOnlyWhereAllowed() {
        assertThat(DnsNames.problem("*.example.com", true)).isEmpty();
        assertThat(DnsNames.problem("*.example.com", false)).get().asString().contains("wildcard");
        assertThat(DnsNames.problem("*", true)).get().asString().contains("needs a domain");
    }

    @Test
    void eachProblemIsNamed() {
        assertThat(DnsNames.problem("", false)).get().asString().contains("empty");
        assertThat(DnsNames.problem("a..example.com", false)).get().asString().contains("empty label");
        assertThat(DnsNames.problem("-a.example.com", false)).get().asString().contains("label '-a'");
        assertThat(DnsNames.problem("under_score.example.com", false)).get().asString().contains("label 'under_score'");
        assertThat(DnsNames.problem("x".repeat(64) + ".com", false)).get().asString().contains("at most 63");
        assertThat(DnsNames.problem(("a".repeat(60) + ".").repeat(5) + "com", false)).get().asString()
                .contains("longer than 253");
    }

    @Test
    void labelsAreWhatServiceNamesMustBe() {
        assertThat(DnsNames.isLabel("httpbin")).isTrue();
        assertThat(DnsNames.isLabel("HTTPBIN")).isFalse();
        assertThat(DnsNames.isLabel("a.b")).isFalse();
        assertThat(DnsNames.isLabel(null)).isFalse();
    }
}

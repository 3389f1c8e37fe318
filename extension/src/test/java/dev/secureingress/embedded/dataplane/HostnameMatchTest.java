package dev.secureingress.embedded.dataplane;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HostnameMatchTest {

    @Test
    void exactBeatsWildcardBeatsAbsent() {
        int exact = HostnameMatch.specificity("foo.example.com", "foo.example.com");
        int wildcard = HostnameMatch.specificity("*.example.com", "foo.example.com");
        int absent = HostnameMatch.specificity(null, "foo.example.com");

        assertThat(exact).isGreaterThan(wildcard);
        assertThat(wildcard).isGreaterThan(absent);
        assertThat(absent).isEqualTo(HostnameMatch.ANY);
    }

    @Test
    void theLongerWildcardSuffixWins() {
        assertThat(HostnameMatch.specificity("*.foo.example.com", "a.foo.example.com"))
                .isGreaterThan(HostnameMatch.specificity("*.example.com", "a.foo.example.com"));
    }

    @Test
    void aWildcardMatchesOneOrMoreLabelsButNotTheApex() {
        assertThat(HostnameMatch.specificity("*.example.com", "a.example.com")).isPositive();
        assertThat(HostnameMatch.specificity("*.example.com", "a.b.example.com")).isPositive();
        assertThat(HostnameMatch.specificity("*.example.com", "example.com")).isEqualTo(HostnameMatch.NO_MATCH);
        assertThat(HostnameMatch.specificity("*.example.com", "aexample.com")).isEqualTo(HostnameMatch.NO_MATCH);
    }

    @Test
    void exactHostnamesDoNotMatchOtherHosts() {
        assertThat(HostnameMatch.specificity("foo.example.com", "bar.example.com")).isEqualTo(HostnameMatch.NO_MATCH);
        assertThat(HostnameMatch.specificity("foo.example.com", null)).isEqualTo(HostnameMatch.NO_MATCH);
    }

    @Test
    void normalizingDropsThePortTheTrailingDotAndCase() {
        assertThat(HostnameMatch.normalize("HttpBin.Example.com:8443")).isEqualTo("httpbin.example.com");
        assertThat(HostnameMatch.normalize("httpbin.example.com.")).isEqualTo("httpbin.example.com");
        assertThat(HostnameMatch.normalize("[::1]:443")).isEqualTo("[::1]");
        assertThat(HostnameMatch.normalize(null)).isNull();
    }
}

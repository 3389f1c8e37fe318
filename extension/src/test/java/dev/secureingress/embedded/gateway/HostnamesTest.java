package dev.secureingress.embedded.gateway;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HostnamesTest {

    @Test
    void wildcardMatchesOneOrMoreLabelsButNotTheBareDomain() {
        assertThat(Hostnames.matches("*.example.com", "foo.example.com")).isTrue();
        assertThat(Hostnames.matches("*.example.com", "a.b.example.com")).isTrue();
        assertThat(Hostnames.matches("*.example.com", "example.com")).isFalse();
        assertThat(Hostnames.matches("*.example.com", "fooexample.com")).isFalse();
        assertThat(Hostnames.matches("foo.example.com", "FOO.example.com")).isTrue();
        assertThat(Hostnames.matches("foo.example.com", "bar.example.com")).isFalse();
    }

    @Test
    void routeWithoutHostnamesTakesTheListeners() {
        assertThat(Hostnames.intersect("httpbin.example.com", List.of())).isEmpty();
        assertThat(Hostnames.fits("httpbin.example.com", List.of())).isTrue();
    }

    @Test
    void listenerWithoutHostnameTakesTheRoutes() {
        assertThat(Hostnames.intersect(null, List.of("a.example.com", "*.example.org")))
                .containsExactly("a.example.com", "*.example.org");
    }

    @Test
    void intersectsExactAndWildcardHostnames() {
        assertThat(Hostnames.intersect("*.example.com", List.of("foo.example.com", "example.com", "foo.example.org")))
                .containsExactly("foo.example.com");
        assertThat(Hostnames.intersect("foo.example.com", List.of("*.example.com"))).containsExactly("foo.example.com");
        assertThat(Hostnames.intersect("*.example.com", List.of("*.foo.example.com"))).containsExactly("*.foo.example.com");
        assertThat(Hostnames.intersect("*.foo.example.com", List.of("*.example.com"))).containsExactly("*.foo.example.com");
        assertThat(Hostnames.intersect("*.example.com", List.of("*.example.org"))).isEmpty();
        assertThat(Hostnames.fits("second-example.org", List.of("example.org"))).isFalse();
    }

    @Test
    void overlapNeedsTwoHostnamesThatShareAName() {
        assertThat(Hostnames.overlap("*.wildcard.org", "fourth-example.wildcard.org")).isTrue();
        assertThat(Hostnames.overlap("a.example.com", "b.example.com")).isFalse();
        assertThat(Hostnames.overlap(null, "a.example.com")).isFalse();
    }
}

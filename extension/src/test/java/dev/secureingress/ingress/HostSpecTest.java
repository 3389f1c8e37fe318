package dev.secureingress.ingress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

class HostSpecTest {

    @Test
    void parsesServiceAndPortAndDefaultsToPrefixSlashSimple() {
        HostSpec host = HostSpec.host("httpbin.example.com").backend("httpbin:8000").build();

        assertThat(host.backendService()).isEqualTo("httpbin");
        assertThat(host.backendPort()).isEqualTo(8000);
        assertThat(host.paths()).containsExactly("/");
        assertThat(host.pathType()).isEqualTo(PathType.PREFIX);
        assertThat(host.tlsMode()).isEqualTo(TlsMode.SIMPLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"httpbin.example.com", "*.example.com", "a", "x-1.example-2.com"})
    void acceptsDnsNamesAndLeadingWildcards(String hostname) {
        assertThatNoException().isThrownBy(() -> HostSpec.requireValidHostname(hostname));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Httpbin.example.com | must be lowercase",
            "httpbin..example.com | empty label",
            "httpbin.example.com. | empty label",
            "httpbin_1.example.com | label 'httpbin_1' is not a DNS label",
            "-httpbin.example.com | label '-httpbin'",
            "httpbin.example.com:443 | must not carry a port",
            "10.0.0.1 | IP address",
            "a.*.example.com | label '*'",
    })
    void rejectsInvalidHostnamesNamingTheProblem(String hostname, String problem) {
        assertThatIllegalArgumentException().isThrownBy(() -> HostSpec.requireValidHostname(hostname))
                .withMessageContaining("invalid hostname '" + hostname + "'")
                .withMessageContaining(problem);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "httpbin | must be service:port",
            "httpbin: | must be service:port",
            "httpbin:http | no numeric port",
            "httpbin:0 | outside 1..65535",
            "Httpbin:8000 | not a valid Service name",
    })
    void rejectsMalformedBackends(String backend, String problem) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HostSpec.host("httpbin.example.com").backend(backend).build())
                .withMessageContaining("host httpbin.example.com")
                .withMessageContaining(problem);
    }

    @Test
    void rejectsRelativePathsAndMissingBackend() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HostSpec.host("a.example.com").backend("a:1").paths(PathType.EXACT, "hello").build())
                .withMessageContaining("path 'hello' must start with '/'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HostSpec.host("a.example.com").build())
                .withMessageContaining("no backend");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HostSpec.host("a.example.com").backend("a:1").paths(PathType.EXACT).build())
                .withMessageContaining("no paths");
    }
}

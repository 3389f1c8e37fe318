package dev.secureingress.junit;

import dev.secureingress.cluster.WaitTimeoutException;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** On failure: a dump under the diagnostics directory, referenced from the failure message; no secret data. */
class DiagnosticsTest {

    private static final Pattern SUMMARY = Pattern.compile("secure-ingress diagnostics: (\\S+summary\\.txt)");

    @SecureIngressTest
    static class FailingAssertion {
        @Test
        void failsAfterCreatingASecret(SecureIngress ingress) {
            ingress.createSecret("diag.example.com");
            assertThat(ingress.namespace()).isEqualTo("something else");
        }
    }

    @SecureIngressTest(readyTimeout = "2s", manifests = "classpath:diagnostics/unclaimed-gateway.yaml")
    static class SetupTimeout {
        @Test
        void neverRuns() {
        }
    }

    @Test
    void failingTestGetsDumpPathInItsMessageAndKeepsItsType() throws IOException {
        Throwable failure = EngineRuns.onlyFailure(EngineRuns.run(FailingAssertion.class));

        assertThat(failure).isInstanceOf(AssertionFailedError.class);
        assertThat(((AssertionFailedError) failure).isExpectedDefined()).as("expected/actual kept").isTrue();
        assertThat(((AssertionFailedError) failure).getExpected().getValue().toString()).contains("something else");
        Path summary = summaryIn(failure.getMessage());
        assertThat(summary).exists();
        assertThat(summary.toString()).contains("DiagnosticsTest$FailingAssertion" + java.io.File.separator + "failsAfterCreatingASecret");
        assertThat(Files.readString(summary))
                .contains("Secret ")
                .containsPattern("diag-example-com-[a-z0-9]{5}-credential type=kubernetes.io/tls keys=\\[ca.crt, tls.crt, tls.key]");
        Path namespaceDir = summary.getParent().resolve(summary.getParent().toFile().list((d, n) -> n.startsWith("si-"))[0]);
        assertThat(namespaceDir.resolve("events.txt")).exists();
        assertThat(namespaceDir.resolve("gateways.yaml")).exists();
        try (Stream<Path> files = Files.walk(summary.getParent())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file)).as(file.toString()).doesNotContain("PRIVATE KEY").doesNotContain("LS0tLS1CRUdJTi");
            }
        }
    }

    @Test
    void setupTimeoutReportsTheConditionsAndTheDump() {
        Throwable failure = EngineRuns.onlyFailure(EngineRuns.run(SetupTimeout.class));

        assertThat(failure).isInstanceOf(FailureWithDiagnostics.class).hasCauseInstanceOf(WaitTimeoutException.class);
        assertThat(failure.getMessage())
                .contains("Timed out after 2000 ms waiting for Gateway si-setup-timeout-")
                .contains("Programmed=Unknown (Pending: Waiting for controller)")
                .contains("no controller has handled it yet: is a controller for its class running?")
                .contains("secure-ingress diagnostics: ");
        assertThat(summaryIn(failure.getMessage()).toString()).contains("setup");
        assertThat(summaryIn(failure.getMessage())).content().contains("Gateway si-setup-timeout-").contains("/unclaimed");
    }

    @Test
    void theCurlLineOfAnAssertionMessageIsTakenForTheReproduction(@org.junit.jupiter.api.io.TempDir Path dir) {
        AssertionError failure = new AssertionError("expected status 418 but was 503\nreproduce with: curl -sS "
                + "--resolve httpbin.example.com:443:127.0.0.2 https://httpbin.example.com/status/418");

        assertThat(SecureIngress.curlFor(failure, dir))
                .contains("curl -sS --resolve httpbin.example.com:443:127.0.0.2 https://httpbin.example.com/status/418");
        assertThat(SecureIngress.curlFor(new AssertionError("no request involved"), dir)).isEmpty();
    }

    private static Path summaryIn(String message) {
        Matcher m = SUMMARY.matcher(message);
        assertThat(m.find()).as("diagnostics path in: %s", message).isTrue();
        return Path.of(m.group(1));
    }
}

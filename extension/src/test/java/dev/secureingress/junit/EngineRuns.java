package dev.secureingress.junit;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Runs test classes that use the extension in a JUnit engine of their own, on the embedded backend. */
final class EngineRuns {

    static final Path DIAGNOSTICS = Path.of("target/secure-ingress-extension-tests");

    private EngineRuns() {
    }

    static EngineExecutionResults run(Map<String, String> parameters, Class<?>... classes) {
        EngineTestKit.Builder kit = EngineTestKit.engine("junit-jupiter")
                .selectors(Arrays.stream(classes).map(DiscoverySelectors::selectClass).toArray(org.junit.platform.engine.DiscoverySelector[]::new))
                .configurationParameter("secure-ingress.backend", "embedded")
                .configurationParameter("secure-ingress.diagnostics-dir", DIAGNOSTICS.toString())
                .configurationParameter("junit.jupiter.testclass.order.default", "org.junit.jupiter.api.ClassOrderer$OrderAnnotation");
        parameters.forEach(kit::configurationParameter);
        return kit.execute();
    }

    static EngineExecutionResults run(Class<?>... classes) {
        return run(Map.of(), classes);
    }

    /** Every failure of the run (containers and tests), for assertion messages. */
    static List<Throwable> failures(EngineExecutionResults results) {
        return results.allEvents().failed().stream()
                .map(event -> event.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow())
                .toList();
    }

    static Throwable onlyFailure(EngineExecutionResults results) {
        List<Event> failed = results.allEvents().failed().list();
        if (failed.size() != 1) {
            throw new AssertionError("expected exactly one failure, got " + failures(results));
        }
        return failed.get(0).getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }
}

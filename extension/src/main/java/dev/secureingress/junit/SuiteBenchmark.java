package dev.secureingress.junit;

import dev.secureingress.cli.Benchmark;
import dev.secureingress.cli.Figures;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Figures of the extension as users feel it, on the embedded backend:
 * <ul>
 *   <li>{@code suite.first-green.ms}: from spawning a fresh JVM to the first passing assertion of a
 *       {@code @SecureIngressTest} class (cluster, fixture, PKI, Gateway and route included);</li>
 *   <li>{@code suite.per-test.ms}: the median duration of one test method once the cluster and the
 *       class's ingress are up (client injection, one HTTPS request through the gateway, assertion).</li>
 * </ul>
 * The fresh JVM runs {@link #main(String[])} with this JVM's class path; see {@link FirstGreenScenario}.
 */
public final class SuiteBenchmark implements Benchmark {

    private static final String FIRST_GREEN = "first-green-epoch-ms=";
    private static final String PER_TEST = "per-test-ms=";
    private static final long CHILD_TIMEOUT_SECONDS = 300;

    @Override
    public String area() {
        return "suite";
    }

    @Override
    public void run(Figures figures) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SuiteBenchmark.class.getName());
        long spawned = System.currentTimeMillis();
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        Long firstGreen = null;
        Double perTest = null;
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.add(line);
                if (line.startsWith(FIRST_GREEN)) {
                    firstGreen = Long.parseLong(line.substring(FIRST_GREEN.length()));
                } else if (line.startsWith(PER_TEST)) {
                    perTest = Double.parseDouble(line.substring(PER_TEST.length()));
                }
            }
        }
        if (!child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            figures.skip("suite.first-green.ms", "the benchmark JVM did not finish within " + CHILD_TIMEOUT_SECONDS + " s");
            return;
        }
        String tail = String.join("\n", output.subList(Math.max(0, output.size() - 20), output.size()));
        if (firstGreen == null || firstGreen == 0) {
            figures.skip("suite.first-green.ms", "the benchmark JVM (exit " + child.exitValue()
                    + ") reported no passing assertion; its last output:\n" + tail);
        } else {
            figures.report("suite.first-green.ms", firstGreen - spawned, "ms");
        }
        if (perTest == null) {
            figures.skip("suite.per-test.ms", "the benchmark JVM reported no per-test figure");
        } else {
            figures.report("suite.per-test.ms", perTest, "ms");
        }
    }

    /** The fresh JVM: runs {@link FirstGreenScenario} and prints its figures. */
    public static void main(String[] args) {
        Map<String, Long> started = new ConcurrentHashMap<>();
        List<Double> repeated = Collections.synchronizedList(new ArrayList<>());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        TestExecutionListener timing = new TestExecutionListener() {
            @Override
            public void executionStarted(TestIdentifier id) {
                started.put(id.getUniqueId(), System.nanoTime());
            }

            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                    failures.add(id.getDisplayName() + ": " + result.getThrowable().map(Throwable::toString).orElse("?"));
                } else if (id.isTest() && id.getUniqueId().contains("perTest")) {
                    repeated.add((System.nanoTime() - started.get(id.getUniqueId())) / 1e6);
                }
            }
        };
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(FirstGreenScenario.class))
                .configurationParameter("secure-ingress.diagnostics-dir", "target/secure-ingress-bench")
                .build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, timing);
        System.out.println(FIRST_GREEN + FirstGreenScenario.firstGreenEpochMillis);
        if (repeated.size() == FirstGreenScenario.REPEATED_TESTS) {
            List<Double> sorted = new ArrayList<>(repeated);
            Collections.sort(sorted);
            System.out.println(PER_TEST + sorted.get(sorted.size() / 2));
        }
        failures.forEach(f -> System.out.println("failed: " + f));
        System.exit(failures.isEmpty() ? 0 : 1);
    }
}

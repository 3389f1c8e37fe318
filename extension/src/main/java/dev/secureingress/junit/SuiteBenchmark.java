package dev.secureingress.junit;

import dev.secureingress.cli.Benchmark;
import dev.secureingress.cli.Figures;
import dev.secureingress.cli.FreshJvm;
import dev.secureingress.cli.MedianOfRuns;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Figures of the extension as users feel it, on the embedded backend:
 * <ul>
 *   <li>{@code suite.first-green.ms}: from spawning a fresh JVM to the first passing assertion of a
 *       {@code @SecureIngressTest} class (cluster, fixture, PKI, Gateway and route included), the median of up to
 *       {@value #FRESH_RUNS} JVMs;</li>
 *   <li>{@code suite.first-green.cpu.ms}: the CPU time the fresh JVM used until then, all its threads (the JIT
 *       compilers' included); it depends far less than wall time on what else the machine runs;</li>
 *   <li>{@code suite.first-green.c1.ms}: the same in a JVM that runs the client compiler only
 *       ({@value FreshJvm#CLIENT_COMPILER_ONLY}), the start-up option a build can give its test JVMs (Maven
 *       Surefire's {@code argLine});</li>
 *   <li>{@code suite.first-green.cds.ms}: the same in a JVM with the start-up options for short-lived JVMs
 *       (see {@link FreshJvm#classDataSharing}), which need a class path of jar files only;</li>
 *   <li>{@code suite.per-test.ms}: the median duration of one test method once the cluster and the
 *       class's ingress are up (client injection, one HTTPS request through the gateway, assertion), the median
 *       over the same JVMs.</li>
 * </ul>
 * The fresh JVM runs {@link #main(String[])} with this JVM's class path; see {@link FirstGreenScenario}.
 */
public final class SuiteBenchmark implements Benchmark {

    private static final String FIRST_GREEN = "first-green-epoch-ms=";
    private static final String FIRST_GREEN_CPU = "first-green-cpu-ms=";
    private static final String PER_TEST = "per-test-ms=";
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(300);
    /** How many fresh JVMs the first-green figures are the median of. */
    private static final int FRESH_RUNS = 5;

    @Override
    public String area() {
        return "suite";
    }

    @Override
    public void run(Figures figures) throws Exception {
        FreshJvm jvm = FreshJvm.running(SuiteBenchmark.class, CHILD_TIMEOUT);
        if (!firstGreens(figures, jvm)) {
            return;
        }
        firstGreen(figures, "suite.first-green.c1.ms", jvm.withOptions(List.of(FreshJvm.CLIENT_COMPILER_ONLY)).run())
                .ifPresent(millis -> figures.report("suite.first-green.c1.ms", millis, "ms"));
        try (FreshJvm.TemporaryDirectory archives = FreshJvm.temporaryDirectory()) {
            List<String> whyNot = new ArrayList<>();
            Optional<FreshJvm> tuned = jvm.classDataSharing(archives.path(), whyNot);
            if (tuned.isEmpty()) {
                figures.skip("suite.first-green.cds.ms", String.join("; ", whyNot));
                return;
            }
            firstGreen(figures, "suite.first-green.cds.ms", tuned.get().run())
                    .ifPresent(millis -> figures.report("suite.first-green.cds.ms", millis, "ms"));
        }
    }

    /**
     * Reports the medians of up to {@value #FRESH_RUNS} fresh JVMs: {@code suite.first-green.ms},
     * {@code suite.first-green.cpu.ms} and {@code suite.per-test.ms}. Returns false (and says why) when a JVM had no
     * passing assertion.
     */
    private static boolean firstGreens(Figures figures, FreshJvm jvm) throws IOException, InterruptedException {
        MedianOfRuns medians = new MedianOfRuns();
        for (int run = 0; run < Math.min(FRESH_RUNS, figures.repetitions()); run++) {
            FreshJvm.Run fresh = jvm.run();
            Optional<Long> firstGreen = firstGreen(figures, "suite.first-green.ms", fresh);
            if (firstGreen.isEmpty()) {
                return false;
            }
            medians.nextRun()
                    .add("suite.first-green.ms", firstGreen.get())
                    .add("suite.first-green.cpu.ms",
                            fresh.valueAfter(FIRST_GREEN_CPU).map(Double::parseDouble).filter(millis -> millis > 0))
                    .add("suite.per-test.ms", fresh.valueAfter(PER_TEST).map(Double::parseDouble));
        }
        medians.report(figures, "ms");
        return true;
    }

    /** From spawning the JVM to its first passing assertion; empty (and the figure skipped) when it has none. */
    private static Optional<Long> firstGreen(Figures figures, String figure, FreshJvm.Run run) {
        if (run.timedOut()) {
            figures.skip(figure, "the benchmark JVM did not finish within " + CHILD_TIMEOUT.toSeconds() + " s");
            return Optional.empty();
        }
        Optional<Long> passed = run.valueAfter(FIRST_GREEN).map(Long::parseLong).filter(epochMillis -> epochMillis > 0);
        if (passed.isEmpty()) {
            figures.skip(figure, "the benchmark JVM (exit " + run.exitCode() + ") reported no passing assertion;"
                    + " its last output:\n" + run.tail(20));
        }
        return passed.map(epochMillis -> epochMillis - run.spawnedEpochMillis());
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
        System.out.println(FIRST_GREEN_CPU + FirstGreenScenario.firstGreenCpuMillis);
        if (repeated.size() == FirstGreenScenario.REPEATED_TESTS) {
            List<Double> sorted = new ArrayList<>(repeated);
            Collections.sort(sorted);
            System.out.println(PER_TEST + sorted.get(sorted.size() / 2));
        }
        failures.forEach(f -> System.out.println("failed: " + f));
        System.exit(failures.isEmpty() ? 0 : 1);
    }
}

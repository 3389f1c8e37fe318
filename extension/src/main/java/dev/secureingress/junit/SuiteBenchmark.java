package dev.secureingress.junit;

import dev.secureingress.cli.Benchmark;
import dev.secureingress.cli.Figures;
import dev.secureingress.cli.FreshJvm;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

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
 *       {@code @SecureIngressTest} class (cluster, fixture, PKI, Gateway and route included);</li>
 *   <li>{@code suite.first-green.cpu.ms}: the CPU time the fresh JVM used until then, all its threads (the JIT
 *       compilers' included); it depends far less than wall time on what else the machine runs;</li>
 *   <li>{@code suite.first-green.c1.ms}: the same in a JVM that runs the client compiler only
 *       ({@value FreshJvm#CLIENT_COMPILER_ONLY}), the start-up option a build can give its test JVMs (Maven
 *       Surefire's {@code argLine});</li>
 *   <li>{@code suite.first-green.cds.ms}: the same in a JVM with the start-up options for short-lived JVMs
 *       (see {@link FreshJvm#classDataSharing}), which need a class path of jar files only;</li>
 *   <li>{@code suite.per-test.ms}: the median duration of one test method once the cluster and the
 *       class's ingress are up (client injection, one HTTPS request through the gateway, assertion).</li>
 * </ul>
 * The fresh JVM runs {@link #main(String[])} with this JVM's class path; see {@link FirstGreenScenario}.
 */
public final class SuiteBenchmark implements Benchmark {

    private static final String FIRST_GREEN = "first-green-epoch-ms=";
    private static final String FIRST_GREEN_CPU = "first-green-cpu-ms=";
    private static final String PER_TEST = "per-test-ms=";
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(300);

    @Override
    public String area() {
        return "suite";
    }

    @Override
    public void run(Figures figures) throws Exception {
        FreshJvm jvm = FreshJvm.running(SuiteBenchmark.class, CHILD_TIMEOUT);
        FreshJvm.Run run = jvm.run();
        Optional<Long> firstGreen = firstGreen(figures, "suite.first-green.ms", run);
        firstGreen.ifPresent(millis -> figures.report("suite.first-green.ms", millis, "ms"));
        run.valueAfter(FIRST_GREEN_CPU).map(Long::parseLong).filter(millis -> firstGreen.isPresent() && millis > 0)
                .ifPresentOrElse(millis -> figures.report("suite.first-green.cpu.ms", millis, "ms"),
                        () -> figures.skip("suite.first-green.cpu.ms", "the benchmark JVM reported no CPU time"
                                + " at its first passing assertion"));
        Optional<String> perTest = run.valueAfter(PER_TEST);
        if (perTest.isPresent()) {
            figures.report("suite.per-test.ms", Double.parseDouble(perTest.get()), "ms");
        } else {
            figures.skip("suite.per-test.ms", "the benchmark JVM reported no per-test figure");
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

package dev.secureingress.cli;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bench}: prints speed figures, one {@code name: value unit} per line. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        header = "Prints speed figures, one 'name: value unit' per line.",
        description = "Measures and prints figures, one 'name: value unit' per line; skipped figures are "
                + "explained on stderr. Medians over --runs timed runs after warm-up, in this JVM.")
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--only", split = ",", paramLabel = "AREA",
            description = "Only these areas (comma-separated), e.g. --only pki.")
    Set<String> only;

    @Option(names = "--runs", defaultValue = "7", paramLabel = "N",
            description = "Timed runs per median (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Warm the JVM up before timing (default: on; --no-warmup for a quick, cold smoke run).")
    boolean warmUp;

    private final List<Benchmark> benchmarks;

    BenchCommand() {
        this(Benchmarks.ALL);
    }

    BenchCommand(List<Benchmark> benchmarks) {
        this.benchmarks = List.copyOf(benchmarks);
    }

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be at least 1, was " + runs);
        }
        Set<String> known = areas(benchmarks);
        if (only != null && !known.containsAll(only)) {
            Set<String> unknown = new TreeSet<>(only);
            unknown.removeAll(known);
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Unknown area(s) " + unknown + " for --only: choose from " + known);
        }
        Figures figures = new Figures(spec.commandLine().getOut(), spec.commandLine().getErr(), runs, warmUp);
        for (Benchmark benchmark : benchmarks) {
            if (only == null || only.contains(benchmark.area())) {
                benchmark.run(figures);
            }
        }
        return 0;
    }

    private static Set<String> areas(List<Benchmark> benchmarks) {
        return benchmarks.stream().map(Benchmark::area).collect(Collectors.toCollection(TreeSet::new));
    }
}

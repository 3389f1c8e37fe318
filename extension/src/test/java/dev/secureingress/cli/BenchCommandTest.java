package dev.secureingress.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

    /** {@code name: value unit}, as documented for {@code bench}. */
    private static final Pattern FIGURE = Pattern.compile("[a-z0-9]+(\\.[a-z0-9-]+)+: -?[0-9]+(\\.[0-9]+)? [a-z%/]+");

    @Test
    void pkiFiguresAreWellFormedAndComplete() {
        CliRun run = CliRun.of("bench", "--only", "pki", "--runs", "1", "--no-warmup");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).isNotEmpty().allMatch(line -> FIGURE.matcher(line).matches());
        assertThat(lines).anyMatch(line -> line.startsWith("pki.seed.ecdsa-p256.ms: "))
                .anyMatch(line -> line.startsWith("pki.seed.rsa2048.ms: "))
                .anyMatch(line -> line.startsWith("pki.leaf.ecdsa-p256.ms: "))
                .anyMatch(line -> line.startsWith("pki.keypair.rsa4096.ms: "));
        if (Openssl.isAvailable()) {
            assertThat(lines).anyMatch(line -> line.startsWith("pki.seed.openssl.ms: "))
                    .anyMatch(line -> line.startsWith("pki.seed.ecdsa-p256.openssl-ratio: "))
                    .anyMatch(line -> line.startsWith("pki.seed.rsa2048.openssl-ratio: "));
        } else {
            assertThat(run.err()).contains("skipped pki.seed.openssl.ms: openssl is not on the PATH");
        }
    }

    @Test
    void onlyRunsTheChosenAreas() {
        List<String> ran = new ArrayList<>();
        CommandLine bench = new CommandLine(new BenchCommand(List.of(
                recording("alpha", ran), recording("beta", ran), recording("gamma", ran))));

        CliRun run = CliRun.of(bench, "--only", "alpha,gamma", "--runs", "3");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(ran).containsExactly("alpha", "gamma");
        assertThat(run.out().lines()).containsExactly("alpha.answer.count: 42 count", "alpha.median.ms: 1.50 ms",
                "gamma.answer.count: 42 count", "gamma.median.ms: 1.50 ms");
        assertThat(run.err()).contains("skipped alpha.missing: not here").contains("skipped gamma.missing: not here");
    }

    @Test
    void unknownAreasAndBadRunsAreUsageErrors() {
        CommandLine bench = new CommandLine(new BenchCommand(List.of(recording("alpha", new ArrayList<>()))));

        CliRun unknown = CliRun.of(bench, "--only", "alpha,nope");
        CliRun zeroRuns = CliRun.of(new CommandLine(new BenchCommand(List.of())), "--runs", "0");

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown area(s) [nope]").contains("[alpha]");
        assertThat(zeroRuns.exitCode()).isEqualTo(2);
        assertThat(zeroRuns.err()).contains("--runs must be at least 1");
    }

    @Test
    void medianOfTimedRuns() throws Exception {
        Figures figures = new Figures(new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()), 3, true);
        List<Integer> calls = new ArrayList<>();

        figures.medianMillis(2, () -> calls.add(1));
        figures.medianMillis(0, 1, () -> calls.add(2));

        assertThat(calls).containsExactly(1, 1, 1, 1, 1, 2);
    }

    @Test
    void medianOfOddAndEvenCountsAndNone() {
        assertThat(Figures.median(List.of(9.0, 1.0, 5.0))).isEqualTo(5.0);
        assertThat(Figures.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(Figures.median(List.of(7.0))).isEqualTo(7.0);
        assertThatThrownBy(() -> Figures.median(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no values");
    }

    /** A benchmark reporting fixed figures, recording that it ran. */
    private static Benchmark recording(String area, List<String> ran) {
        return new Benchmark() {
            @Override
            public String area() {
                return area;
            }

            @Override
            public void run(Figures figures) {
                ran.add(area);
                figures.report(area + ".answer.count", 42, "count");
                figures.report(area + ".median.ms", 1.5, "ms");
                figures.skip(area + ".missing", "not here");
            }
        };
    }
}

package dev.secureingress.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class MedianOfRunsTest {

    @Test
    void reportsTheMedianOfFiguresEveryRunGaveAndSkipsTheOthersWithTheCount() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Figures figures = new Figures(new PrintWriter(out), new PrintWriter(err), 3, false);
        MedianOfRuns medians = new MedianOfRuns();

        medians.nextRun().add("a.ms", 30).add("b.ms", Optional.of(1.0));
        medians.nextRun().add("a.ms", 10).add("b.ms", Optional.empty());
        medians.nextRun().add("a.ms", 20).add("b.ms", Optional.of(3.0));
        medians.report(figures, "ms");

        assertThat(out.toString().lines()).containsExactly("a.ms: 20 ms");
        assertThat(err.toString()).contains("skipped b.ms: 2 of 3 runs reported it");
    }
}

package dev.secureingress.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Figures gathered over several runs (fresh JVMs, typically) and reported as their medians. A figure is reported
 * only when every run gave it a value; otherwise it is skipped with the reason.
 *
 * <pre>{@code
 * MedianOfRuns medians = new MedianOfRuns();
 * for (int i = 0; i < 5; i++) {
 *     FreshJvm.Run run = jvm.run();
 *     medians.nextRun().add("x.ms", millis).add("x.cpu.ms", run.valueAfter("cpu=").map(Double::parseDouble));
 * }
 * medians.report(figures, "ms");
 * }</pre>
 */
public final class MedianOfRuns {

    private final Map<String, List<Double>> values = new LinkedHashMap<>();
    private int runs;

    /** Starts the next run: the values added from now on are its values. */
    public MedianOfRuns nextRun() {
        runs++;
        return this;
    }

    /** The current run's value of {@code figure}. */
    public MedianOfRuns add(String figure, double value) {
        values.computeIfAbsent(figure, name -> new ArrayList<>()).add(value);
        return this;
    }

    /** The current run's value of {@code figure}, if it gave one; a run without one keeps the figure from a report. */
    public MedianOfRuns add(String figure, Optional<Double> value) {
        values.computeIfAbsent(figure, name -> new ArrayList<>());
        value.ifPresent(present -> add(figure, present));
        return this;
    }

    /** Reports the median of every figure each run gave a value for, in {@code unit}; skips the others, saying why. */
    public void report(Figures figures, String unit) {
        values.forEach((figure, given) -> {
            if (given.size() == runs && runs > 0) {
                figures.report(figure, Figures.median(given), unit);
            } else {
                figures.skip(figure, given.size() + " of " + runs + " runs reported it");
            }
        });
    }
}

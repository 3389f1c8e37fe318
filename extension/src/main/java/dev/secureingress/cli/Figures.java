package dev.secureingress.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Where benchmarks report their figures: one line {@code name: value unit} each on the output; skipped figures
 * are explained on the error stream so the output stays machine-readable. Also times repeated runs.
 */
public final class Figures {

    /** Work to be timed. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final int repetitions;
    private final boolean warmUp;

    /**
     * @param repetitions how many timed runs a median is taken over (at least 1)
     * @param warmUp      false to skip the untimed warm-up runs (quick smoke runs; the figures are then cold)
     */
    public Figures(PrintWriter out, PrintWriter err, int repetitions, boolean warmUp) {
        if (repetitions < 1) {
            throw new IllegalArgumentException("repetitions must be at least 1, was " + repetitions);
        }
        this.out = out;
        this.err = err;
        this.repetitions = repetitions;
        this.warmUp = warmUp;
    }

    /** How many timed runs a median is taken over. */
    public int repetitions() {
        return repetitions;
    }

    /** How many untimed warm-up runs a benchmark makes that wants {@code wanted}: none when warm-up is off. */
    public int warmups(int wanted) {
        return warmUp ? wanted : 0;
    }

    /** Prints {@code name: value unit}. */
    public void report(String name, double value, String unit) {
        out.println(name + ": " + format(value) + " " + unit);
        out.flush();
    }

    /** Says on the error stream what figures cover (their scope, their setup); the output stays machine-readable. */
    public void note(String text) {
        err.println("note: " + text);
        err.flush();
    }

    /** Explains on the error stream why a figure is not reported. */
    public void skip(String name, String reason) {
        err.println("skipped " + name + ": " + reason);
        err.flush();
    }

    /**
     * Runs the task {@code warmups} times untimed (unless warm-up is off), then {@link #repetitions()} times timed.
     *
     * @return the median wall-clock time of the timed runs, in milliseconds
     */
    public double medianMillis(int warmups, Task task) throws Exception {
        return medianMillis(warmups, repetitions, task);
    }

    /**
     * Like {@link #medianMillis(int, Task)} with at most {@code maxRepetitions} timed runs, for slow tasks.
     */
    public double medianMillis(int warmups, int maxRepetitions, Task task) throws Exception {
        for (int i = 0; warmUp && i < warmups; i++) {
            task.run();
        }
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < Math.min(repetitions, maxRepetitions); i++) {
            long start = System.nanoTime();
            task.run();
            millis.add((System.nanoTime() - start) / 1_000_000.0);
        }
        return median(millis);
    }

    /** The median of {@code values} (at least one); the mean of the middle two for an even count. */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("the median of no values");
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.valueOf((long) value);
        }
        return String.format(Locale.ROOT, Math.abs(value) < 1 ? "%.4f" : "%.2f", value);
    }
}

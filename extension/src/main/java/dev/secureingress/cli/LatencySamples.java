package dev.secureingress.cli;

import java.util.Arrays;

/** Durations collected by a benchmark, with nearest-rank percentiles. Not thread-safe. */
public final class LatencySamples {

    private long[] nanos = new long[1024];
    private int size;

    /** Adds one duration. */
    public void add(long durationNanos) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = durationNanos;
    }

    /** Adds every duration of {@code other}. */
    public void addAll(LatencySamples other) {
        for (int i = 0; i < other.size; i++) {
            add(other.nanos[i]);
        }
    }

    /** How many durations were added. */
    public int size() {
        return size;
    }

    /** The nearest-rank percentile in milliseconds, e.g. {@code percentileMillis(99)}. */
    public double percentileMillis(double percentile) {
        if (size == 0) {
            throw new IllegalStateException("no samples");
        }
        long[] sorted = Arrays.copyOf(nanos, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * size);
        return sorted[Math.max(0, rank - 1)] / 1_000_000.0;
    }
}

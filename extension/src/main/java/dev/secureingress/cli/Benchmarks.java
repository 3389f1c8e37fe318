package dev.secureingress.cli;

import java.util.List;

/** Every benchmark the {@code bench} command runs, in order. Add yours here. */
public final class Benchmarks {

    public static final List<Benchmark> ALL = List.of(
            new PkiBenchmark());

    private Benchmarks() {
    }
}

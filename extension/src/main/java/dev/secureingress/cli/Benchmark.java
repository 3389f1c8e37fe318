package dev.secureingress.cli;

/**
 * One area's speed figures for the {@code bench} command. Implementations are listed in
 * {@link Benchmarks#ALL}; each reports figures named {@code <area>.<what>.<unit>} through {@link Figures}.
 */
public interface Benchmark {

    /** The area, e.g. {@code pki}: the prefix of this benchmark's figure names and what {@code bench --only} selects. */
    String area();

    /** Measures and reports this area's figures. */
    void run(Figures figures) throws Exception;
}

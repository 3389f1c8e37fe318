package dev.secureingress.cli;

import dev.secureingress.embedded.EmbeddedBootBenchmark;
import dev.secureingress.embedded.RotationBenchmark;
import dev.secureingress.embedded.api.GatewayWriteBenchmark;
import dev.secureingress.embedded.api.OpenApiBenchmark;
import dev.secureingress.embedded.dataplane.GatewayBenchmark;
import dev.secureingress.embedded.workload.WorkloadBenchmark;
import dev.secureingress.embedded.gateway.GatewayControllerBenchmark;
import dev.secureingress.junit.SuiteBenchmark;

import java.util.List;

/** Every benchmark the {@code bench} command runs, in order. Add yours here. */
public final class Benchmarks {

    public static final List<Benchmark> ALL = List.of(
            new PkiBenchmark(),
            new SuiteBenchmark(),
            new RotationBenchmark(),
            new GatewayBenchmark(),
            new WorkloadBenchmark(),
            new GatewayControllerBenchmark(),
            new EmbeddedBootBenchmark(),
            new OpenApiBenchmark(),
            new GatewayWriteBenchmark());

    private Benchmarks() {
    }
}

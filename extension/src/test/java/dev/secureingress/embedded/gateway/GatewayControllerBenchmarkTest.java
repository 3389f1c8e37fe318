package dev.secureingress.embedded.gateway;

import dev.secureingress.cli.Figures;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayControllerBenchmarkTest {

    @Test
    void reportsItsFiguresAsNameValueUnitLines() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        new GatewayControllerBenchmark().run(new Figures(new PrintWriter(out), new PrintWriter(err), 1, false));

        assertThat(out.toString().lines().toList())
                .hasSize(3)
                .allMatch(line -> line.matches("controller\\.[a-z0-9.-]+: [0-9.]+ ms"), "name: value ms")
                .anyMatch(line -> line.startsWith("controller.secret-to-program.p50.ms: "))
                .anyMatch(line -> line.startsWith("controller.secret-to-program.p99.ms: "))
                .anyMatch(line -> line.startsWith("controller.gateway-programmed.ms: "));
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void percentileIsTheNearestRank() {
        List<Double> values = List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0);
        assertThat(GatewayControllerBenchmark.percentile(values, 50)).isEqualTo(5.0);
        assertThat(GatewayControllerBenchmark.percentile(values, 99)).isEqualTo(10.0);
        assertThat(GatewayControllerBenchmark.percentile(List.of(7.0), 99)).isEqualTo(7.0);
    }
}

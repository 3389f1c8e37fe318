package dev.secureingress.junit;

import dev.secureingress.cli.FreshJvm;
import dev.secureingress.client.IngressClient;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The workload of {@link SuiteBenchmark}, run in a fresh JVM: the seed's first check (a teapot through
 * a TLS gateway) as the very first test, then the same check as many small tests on the warm cluster.
 * Not part of any test suite; the benchmark selects it explicitly.
 */
@SecureIngressTest(backend = "embedded", fixtures = "httpbin",
        hosts = @IngressHost(name = "httpbin.example.com", backend = "httpbin:8000", paths = "/status"))
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FirstGreenScenario {

    /** How many tests are timed after the first. */
    static final int REPEATED_TESTS = 40;

    /** Epoch milliseconds when the first assertion passed; 0 until then. */
    static volatile long firstGreenEpochMillis;
    /** The process's CPU milliseconds when the first assertion passed ({@link FreshJvm#processCpuMillis()}). */
    static volatile long firstGreenCpuMillis;

    @Test
    @Order(1)
    void firstGreen(IngressClient client) {
        requireTeapot(client);
        firstGreenEpochMillis = System.currentTimeMillis();
        firstGreenCpuMillis = FreshJvm.processCpuMillis();
    }

    @RepeatedTest(REPEATED_TESTS)
    @Order(2)
    void perTest(IngressClient client) {
        requireTeapot(client);
    }

    private static void requireTeapot(IngressClient client) {
        int status = client.get("https://httpbin.example.com/status/418").status();
        if (status != 418) {
            throw new AssertionError("expected the teapot (418) from httpbin.example.com/status/418, got " + status);
        }
    }
}

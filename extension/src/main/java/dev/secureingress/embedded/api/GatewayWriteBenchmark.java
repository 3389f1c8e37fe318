package dev.secureingress.embedded.api;

import dev.secureingress.cli.Benchmark;
import dev.secureingress.cli.Figures;
import dev.secureingress.cli.FreshJvm;
import dev.secureingress.cli.MedianOfRuns;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a fresh JVM's first Gateway write costs the embedded API server, CEL rules included (the first Gateway API
 * write builds the CEL runtime and reads the rules the build compiled):
 * <ul>
 *   <li>{@code embedded.api.gateway.first-write.ms}: the wall time of creating a Gateway in a fresh JVM whose
 *       server has already stored one object without rules (a ConfigMap), so that the write path itself is warm;</li>
 *   <li>{@code embedded.api.gateway.first-write.cpu.ms}: the CPU time the JVM's application threads spent on it
 *       (the JIT compilers' and the garbage collector's not counted);</li>
 *   <li>{@code embedded.api.gateway.second-write.ms}: the next Gateway's create in the same JVM.</li>
 * </ul>
 * Medians of up to {@value #FRESH_RUNS} fresh JVMs ({@code java -cp <this class path> GatewayWriteBenchmark}).
 */
public final class GatewayWriteBenchmark implements Benchmark {

    private static final int FRESH_RUNS = 5;
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(120);
    private static final String FIRST = "gateway-first-write-ms=";
    private static final String FIRST_CPU = "gateway-first-write-cpu-ms=";
    private static final String SECOND = "gateway-second-write-ms=";

    @Override
    public String area() {
        return "embedded";
    }

    @Override
    public void run(Figures figures) throws Exception {
        FreshJvm jvm = FreshJvm.running(GatewayWriteBenchmark.class, CHILD_TIMEOUT);
        MedianOfRuns medians = new MedianOfRuns();
        for (int run = 0; run < Math.min(FRESH_RUNS, figures.repetitions()); run++) {
            FreshJvm.Run fresh = jvm.run();
            Optional<Double> firstWrite = fresh.valueAfter(FIRST).map(Double::parseDouble);
            if (firstWrite.isEmpty()) {
                figures.skip("embedded.api.gateway.first-write.ms", "the fresh JVM (exit " + fresh.exitCode()
                        + ") reported no Gateway write; its last output:\n" + fresh.tail(20));
                return;
            }
            medians.nextRun()
                    .add("embedded.api.gateway.first-write.ms", firstWrite.get())
                    .add("embedded.api.gateway.first-write.cpu.ms", fresh.valueAfter(FIRST_CPU).map(Double::parseDouble))
                    .add("embedded.api.gateway.second-write.ms", fresh.valueAfter(SECOND).map(Double::parseDouble));
        }
        medians.report(figures, "ms");
    }

    /** The fresh JVM: an API server, a ConfigMap, then two Gateways; prints the Gateways' figures and stops. */
    public static void main(String[] args) {
        try (EmbeddedApiServer server = EmbeddedApiServer.start()) {
            KubernetesClient client = server.inProcessClient();
            client.resource(new ConfigMapBuilder().withNewMetadata().withName("warm").withNamespace("default")
                    .endMetadata().addToData("a", "b").build()).create();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Map<Long, Long> cpuBefore = applicationThreadCpu(threads);
            long begin = System.nanoTime();
            client.resource(gateway("first")).create();
            long firstNanos = System.nanoTime() - begin;
            long cpuNanos = cpuSince(threads, cpuBefore);
            begin = System.nanoTime();
            client.resource(gateway("second")).create();
            long secondNanos = System.nanoTime() - begin;
            System.out.println(FIRST + firstNanos / 1e6);
            System.out.println(FIRST_CPU + cpuNanos / 1e6);
            System.out.println(SECOND + secondNanos / 1e6);
            System.out.flush();
        }
        System.exit(0);
    }

    private static Gateway gateway(String name) {
        return new GatewayBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withGatewayClassName(EmbeddedApiServer.GATEWAY_CLASS).addNewListener().withName("https")
                .withPort(443).withProtocol("HTTPS").withHostname(name + ".example.com").withNewTls()
                .withMode("Terminate").addNewCertificateRef().withName("credential").endCertificateRef().endTls()
                .endListener().endSpec()
                .build();
    }

    /** The CPU time of each live application thread (the JIT compilers' and the garbage collector's are not among them). */
    private static Map<Long, Long> applicationThreadCpu(ThreadMXBean threads) {
        Map<Long, Long> times = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long time = threads.getThreadCpuTime(id);
            if (time >= 0) {
                times.put(id, time);
            }
        }
        return times;
    }

    private static long cpuSince(ThreadMXBean threads, Map<Long, Long> before) {
        long spent = 0;
        for (Map.Entry<Long, Long> after : applicationThreadCpu(threads).entrySet()) {
            spent += after.getValue() - before.getOrDefault(after.getKey(), 0L);
        }
        return spent;
    }
}

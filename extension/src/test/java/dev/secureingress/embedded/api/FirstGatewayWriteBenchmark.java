package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * What the CEL rules cost the first Gateway write of a fresh JVM: run it in a JVM of its own
 * ({@code java -cp <test class path> dev.secureingress.embedded.api.FirstGatewayWriteBenchmark}). It starts an
 * embedded API server, writes a ConfigMap (no rules: the write path itself warms up), then creates a Gateway and
 * another one, and prints for each write the wall time and CPU time: of the writing thread, of all application threads
 * (the server's included; not the JIT compilers' nor the garbage collector's) and of the whole JVM.
 */
public final class FirstGatewayWriteBenchmark {

    private FirstGatewayWriteBenchmark() {
    }

    public static void main(String[] args) {
        try (EmbeddedApiServer server = EmbeddedApiServer.start()) {
            KubernetesClient client = server.inProcessClient();
            measure("configmap.first", () -> client.resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("warm").withNamespace("default").endMetadata().addToData("a", "b").build()).create());
            measure("gateway.first", () -> client.resource(gateway("first")).create());
            measure("gateway.second", () -> client.resource(gateway("second")).create());
        }
        System.exit(0);
    }

    private static Gateway gateway(String name) {
        return new GatewayBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withGatewayClassName("istio").addNewListener().withName("https").withPort(443)
                .withProtocol("HTTPS").withHostname(name + ".example.com").withNewTls().withMode("Terminate")
                .addNewCertificateRef().withName("credential").endCertificateRef().endTls().endListener().endSpec()
                .build();
    }

    /** The CPU time of each live application thread (the JIT compilers' and GC's threads are not among them). */
    private static Map<Long, Long> threadTimes(ThreadMXBean threads) {
        Map<Long, Long> times = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long time = threads.getThreadCpuTime(id);
            if (time >= 0) {
                times.put(id, time);
            }
        }
        return times;
    }

    private static void measure(String name, Runnable write) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> before = threadTimes(threads);
        long wall = System.nanoTime();
        long thread = threads.getCurrentThreadCpuTime();
        Duration process = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
        write.run();
        long wallMs = (System.nanoTime() - wall) / 1_000_000;
        long threadMs = (threads.getCurrentThreadCpuTime() - thread) / 1_000_000;
        long processMs = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).minus(process)
                .toMillis();
        long applicationNs = 0;
        for (Map.Entry<Long, Long> after : threadTimes(threads).entrySet()) {
            applicationNs += after.getValue() - before.getOrDefault(after.getKey(), 0L);
        }
        System.out.printf("%s.wall.ms=%d %s.thread.cpu.ms=%d %s.threads.cpu.ms=%d %s.process.cpu.ms=%d%n", name, wallMs,
                name, threadMs, name, applicationNs / 1_000_000, name, processMs);
    }
}

package dev.secureingress.embedded;

import dev.secureingress.cli.Benchmark;
import dev.secureingress.cli.Figures;
import dev.secureingress.cli.FreshJvm;
import dev.secureingress.cli.MedianOfRuns;
import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.cluster.FixtureDeployer;
import dev.secureingress.fixtures.Fixture;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How long the embedded cluster takes to serve httpbin:
 * <ul>
 *   <li>{@code embedded.boot.cold.ms}: from spawning a fresh JVM ({@code java -cp <this class path>
 *       EmbeddedBootBenchmark}) until, in that JVM, an {@link EmbeddedCluster} has started, the httpbin
 *       fixture's Deployment is Available and its pod answered {@code GET /status/418};</li>
 *   <li>{@code embedded.boot.cold.cpu.ms}: the CPU time that JVM had used by then, all its threads (the JIT
 *       compilers' included); it depends far less than wall time on what else the machine runs;</li>
 *   <li>{@code embedded.boot.cold.cds.ms}: the same with the start-up options for short-lived JVMs: an
 *       application class data sharing archive written by a training run ({@code -XX:ArchiveClassesAtExit},
 *       then {@code -XX:SharedArchiveFile}) and the client compiler only ({@code -XX:TieredStopAtLevel=1});</li>
 *   <li>{@code embedded.boot.warm.ms}: the same for another cluster in a JVM that has already run one.</li>
 * </ul>
 */
public final class EmbeddedBootBenchmark implements Benchmark {

    private static final String READY = "embedded-httpbin-ready-epoch-ms=";
    private static final String READY_CPU = "embedded-httpbin-ready-cpu-ms=";
    private static final int COLD_RUNS = 5;
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(180);

    @Override
    public String area() {
        return "embedded";
    }

    @Override
    public void run(Figures figures) throws Exception {
        figures.note("embedded.boot.*: cluster start -> httpbin Deployment Available -> its pod answered /status/418;"
                + " cold includes the JVM's own start");
        FreshJvm jvm = FreshJvm.running(EmbeddedBootBenchmark.class, CHILD_TIMEOUT);
        coldBoots(figures, "embedded.boot.cold.ms", jvm);
        try (FreshJvm.TemporaryDirectory archives = FreshJvm.temporaryDirectory()) {
            List<String> whyNot = new ArrayList<>();
            Optional<FreshJvm> tuned = jvm.classDataSharing(archives.path(), whyNot);
            if (tuned.isPresent()) {
                coldBoots(figures, "embedded.boot.cold.cds.ms", tuned.get());
            } else {
                figures.skip("embedded.boot.cold.cds.ms", String.join("; ", whyNot));
            }
        }
        warmBoots(figures);
    }

    private static void warmBoots(Figures figures) {
        // each warm boot is timed alone: the cluster before it is closed outside the timing
        List<Double> warm = new ArrayList<>();
        int runs = Math.min(7, figures.repetitions());
        for (int run = -figures.warmups(1); run < runs; run++) {
            long begin = System.nanoTime();
            EmbeddedCluster cluster = bootToServedHttpbin();
            double millis = (System.nanoTime() - begin) / 1e6;
            cluster.close();
            if (run >= 0) {
                warm.add(millis);
            }
        }
        figures.report("embedded.boot.warm.ms", Figures.median(warm), "ms");
    }

    /**
     * Reports the median of up to {@value #COLD_RUNS} runs of {@code jvm}, each timed to its ready line, and as
     * {@code <figure>.cpu.ms} the median CPU time the JVM had used by then.
     */
    private static void coldBoots(Figures figures, String figure, FreshJvm jvm) throws IOException, InterruptedException {
        String cpuFigure = figure.substring(0, figure.length() - ".ms".length()) + ".cpu.ms";
        MedianOfRuns medians = new MedianOfRuns();
        for (int run = 0; run < Math.min(COLD_RUNS, figures.repetitions()); run++) {
            FreshJvm.Run boot = jvm.run();
            Optional<String> ready = boot.valueAfter(READY);
            if (ready.isEmpty()) {
                figures.skip(figure, "the fresh JVM " + jvm.options() + " reported no ready httpbin; its last output:\n"
                        + boot.tail(20));
                return;
            }
            medians.nextRun()
                    .add(figure, Long.parseLong(ready.get()) - boot.spawnedEpochMillis())
                    .add(cpuFigure, boot.valueAfter(READY_CPU).map(Double::parseDouble).filter(millis -> millis > 0));
        }
        medians.report(figures, "ms");
    }

    /** Starts a cluster, deploys the httpbin fixture and returns once its pod has answered a request. */
    static EmbeddedCluster bootToServedHttpbin() {
        EmbeddedCluster cluster = EmbeddedCluster.builder().start();
        try {
            new FixtureDeployer(cluster.client()).deploy(Fixture.HTTPBIN, "default");
            awaitTeapot(cluster.client());
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private static void awaitTeapot(KubernetesClient client) {
        Endpoints endpoints = BoundedWait.<Endpoints>forState("Endpoints default/httpbin with a ready address")
                .untilWatched(client.endpoints().inNamespace("default").withName(Fixture.HTTPBIN.serviceName()),
                        e -> e.getSubsets() != null && e.getSubsets().stream().anyMatch(s -> s.getAddresses() != null
                                && !s.getAddresses().isEmpty() && s.getPorts() != null && !s.getPorts().isEmpty()));
        EndpointSubset subset = endpoints.getSubsets().stream()
                .filter(s -> s.getAddresses() != null && !s.getAddresses().isEmpty()).findFirst().orElseThrow();
        EndpointAddress address = subset.getAddresses().get(0);
        EndpointPort port = subset.getPorts().get(0);
        URI uri = URI.create("http://" + address.getIp() + ":" + port.getPort() + "/status/418");
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setConnectTimeout(10_000);
            connection.setReadTimeout(10_000);
            int status = connection.getResponseCode();
            connection.disconnect();
            if (status != 418) {
                throw new IllegalStateException("httpbin at " + uri + " answered " + status + ", not 418");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("httpbin at " + uri + " did not answer", e);
        }
    }


    /** The fresh JVM of {@code embedded.boot.cold.ms}: boots to a served httpbin, prints when, stops. */
    public static void main(String[] args) {
        try (EmbeddedCluster cluster = bootToServedHttpbin()) {
            System.out.println(READY + System.currentTimeMillis());
            System.out.println(READY_CPU + FreshJvm.processCpuMillis());
            System.out.flush();
        }
        System.exit(0);
    }
}

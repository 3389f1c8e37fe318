package dev.secureingress.embedded;

import dev.secureingress.cli.Benchmark;
import dev.secureingress.cli.Figures;
import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.cluster.FixtureDeployer;
import dev.secureingress.fixtures.Fixture;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How long the embedded cluster takes to serve httpbin:
 * <ul>
 *   <li>{@code embedded.boot.cold.ms}: from spawning a fresh JVM ({@code java -cp <this class path>
 *       EmbeddedBootBenchmark}) until, in that JVM, an {@link EmbeddedCluster} has started, the httpbin
 *       fixture's Deployment is Available and its pod answered {@code GET /status/418};</li>
 *   <li>{@code embedded.boot.cold.cds.ms}: the same with the start-up options for short-lived JVMs: an
 *       application class data sharing archive written by a training run ({@code -XX:ArchiveClassesAtExit},
 *       then {@code -XX:SharedArchiveFile}) and the client compiler only ({@code -XX:TieredStopAtLevel=1});</li>
 *   <li>{@code embedded.boot.warm.ms}: the same for another cluster in a JVM that has already run one.</li>
 * </ul>
 */
public final class EmbeddedBootBenchmark implements Benchmark {

    private static final String READY = "embedded-httpbin-ready-epoch-ms=";
    private static final int COLD_RUNS = 5;
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(180);
    /** The client compiler only: a short-lived JVM starts faster without the optimising compiler's work. */
    private static final String FAST_START_JIT = "-XX:TieredStopAtLevel=1";

    @Override
    public String area() {
        return "embedded";
    }

    @Override
    public void run(Figures figures) throws Exception {
        figures.note("embedded.boot.*: cluster start -> httpbin Deployment Available -> its pod answered /status/418;"
                + " cold includes the JVM's own start");
        coldBoots(figures, "embedded.boot.cold.ms", List.of());
        Optional<String> directory = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> Files.isDirectory(Path.of(entry))).findFirst();
        if (directory.isPresent()) {
            figures.skip("embedded.boot.cold.cds.ms", "class data sharing archives classes from jar files only, and this"
                    + " class path has the directory " + directory.get() + "; run the bench from the -cli.jar");
        } else {
            coldBootsWithClassDataSharing(figures);
        }
        warmBoots(figures);
    }

    private static void coldBootsWithClassDataSharing(Figures figures) throws IOException, InterruptedException {
        Path archive = Files.createTempDirectory("secure-ingress-cds").resolve("embedded-boot.jsa");
        try {
            // JDK 17's dynamic AppCDS: one untimed training run writes the archive of every class it loaded
            Optional<Double> training = coldBoot(figures, "embedded.boot.cold.cds.ms",
                    List.of("-XX:ArchiveClassesAtExit=" + archive));
            if (training.isPresent() && Files.isRegularFile(archive)) {
                coldBoots(figures, "embedded.boot.cold.cds.ms", List.of("-XX:SharedArchiveFile=" + archive, FAST_START_JIT));
            } else if (training.isPresent()) {
                figures.skip("embedded.boot.cold.cds.ms", "this JVM wrote no class data sharing archive to " + archive);
            }
        } finally {
            Files.deleteIfExists(archive);
            Files.deleteIfExists(archive.getParent());
        }
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
        figures.report("embedded.boot.warm.ms", median(warm), "ms");
    }

    /** Reports the median of up to {@value #COLD_RUNS} fresh JVMs started with {@code jvmOptions}. */
    private static void coldBoots(Figures figures, String figure, List<String> jvmOptions)
            throws IOException, InterruptedException {
        List<Double> cold = new ArrayList<>();
        for (int run = 0; run < Math.min(COLD_RUNS, figures.repetitions()); run++) {
            Optional<Double> millis = coldBoot(figures, figure, jvmOptions);
            if (millis.isEmpty()) {
                return;
            }
            cold.add(millis.get());
        }
        figures.report(figure, median(cold), "ms");
    }

    /** Spawns the fresh JVM and times it to its ready line; empty (and the figure skipped) when it has none. */
    private static Optional<Double> coldBoot(Figures figures, String figure, List<String> jvmOptions)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), EmbeddedBootBenchmark.class.getName()));
        long spawned = System.currentTimeMillis();
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        Long ready = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.add(line);
                if (line.startsWith(READY)) {
                    ready = Long.parseLong(line.substring(READY.length()));
                }
            }
        } finally {
            if (!child.waitFor(CHILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        if (ready == null) {
            figures.skip(figure, "the fresh JVM (" + String.join(" ", jvmOptions) + ") reported no ready httpbin;"
                    + " its last output:\n" + String.join("\n", output.subList(Math.max(0, output.size() - 20), output.size())));
            return Optional.empty();
        }
        return Optional.of((double) (ready - spawned));
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
                .pollEvery(Duration.ofMillis(5))
                .until(() -> client.endpoints().inNamespace("default").withName(Fixture.HTTPBIN.serviceName()).get(),
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

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** The fresh JVM of {@code embedded.boot.cold.ms}: boots to a served httpbin, prints when, stops. */
    public static void main(String[] args) {
        try (EmbeddedCluster cluster = bootToServedHttpbin()) {
            System.out.println(READY + System.currentTimeMillis());
            System.out.flush();
        }
        System.exit(0);
    }
}

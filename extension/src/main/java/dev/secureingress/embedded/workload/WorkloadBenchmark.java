package dev.secureingress.embedded.workload;

import dev.secureingress.cli.Benchmark;
import dev.secureingress.cli.Figures;
import dev.secureingress.embedded.api.EmbeddedApiServer;
import dev.secureingress.fixtures.ContainerContext;
import dev.secureingress.fixtures.Fixture;
import dev.secureingress.fixtures.RunningStandIn;
import dev.secureingress.fixtures.StandIns;
import dev.secureingress.ingress.IngressApplier;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Workload figures on an embedded API server: how long the controller takes from applying the httpbin
 * fixture to its Deployment being Available ({@code workload.httpbin.ready.ms}), scaling it 1 -> 3 -> 1
 * ({@code workload.scale.1-3-1.ms}), and how many sequential keep-alive requests one httpbin stand-in answers
 * per second ({@code workload.standin.httpbin.requests-per-sec}).
 */
public final class WorkloadBenchmark implements Benchmark {

    private static final int REQUESTS_PER_RUN = 5_000;

    @Override
    public String area() {
        return "workload";
    }

    @Override
    public void run(Figures figures) throws Exception {
        try (EmbeddedApiServer api = EmbeddedApiServer.start();
             WorkloadController controller = WorkloadController.start(api.inProcessClient(), StandIns.withDefaults())) {
            KubernetesClient client = api.inProcessClient();
            AtomicInteger run = new AtomicInteger();
            figures.report("workload.httpbin.ready.ms", figures.medianMillis(2, 10, () -> {
                String namespace = "bench-" + run.incrementAndGet();
                IngressApplier applier = new IngressApplier(client, namespace);
                applier.createNamespace(namespace, "bench");
                applier.applyYaml(Fixture.HTTPBIN.manifest(), "fixture HTTPBIN");
                awaitReady(client, namespace, Fixture.HTTPBIN.deploymentName(), 1);
            }), "ms");
            String namespace = "bench-" + run.get();
            String deployment = Fixture.HTTPBIN.deploymentName();
            figures.report("workload.scale.1-3-1.ms", figures.medianMillis(1, 5, () -> {
                client.apps().deployments().inNamespace(namespace).withName(deployment).scale(3);
                awaitReady(client, namespace, deployment, 3);
                client.apps().deployments().inNamespace(namespace).withName(deployment).scale(1);
                awaitReady(client, namespace, deployment, 1);
            }), "ms");
        }

        RunningStandIn httpbin = StandIns.withDefaults().find("mccutchen/go-httpbin").orElseThrow()
                .start(ContainerContext.standalone("mccutchen/go-httpbin", "bench"), InetAddress.getLoopbackAddress(), true);
        try (Socket socket = new Socket()) {
            socket.connect(httpbin.endpoint(8080), 10_000);
            socket.setTcpNoDelay(true);
            KeepAliveClient keepAlive = new KeepAliveClient(socket);
            double millis = figures.medianMillis(2, () -> {
                for (int i = 0; i < REQUESTS_PER_RUN; i++) {
                    keepAlive.get("/status/200", 200);
                }
            });
            figures.report("workload.standin.httpbin.requests-per-sec", REQUESTS_PER_RUN / (millis / 1000.0), "req/s");
        } finally {
            httpbin.close();
        }
    }

    private static void awaitReady(KubernetesClient client, String namespace, String name, int replicas) {
        client.apps().deployments().inNamespace(namespace).withName(name).waitUntilCondition(
                (Deployment d) -> d != null && d.getStatus() != null
                        && Objects.equals(d.getStatus().getReadyReplicas(), replicas)
                        && Objects.equals(d.getStatus().getReplicas(), replicas),
                60, TimeUnit.SECONDS);
    }

    /** Sequential HTTP/1.1 requests over one connection; reads just enough of each response to send the next. */
    private static final class KeepAliveClient {
        private final OutputStream out;
        private final InputStream in;

        KeepAliveClient(Socket socket) throws IOException {
            this.out = socket.getOutputStream();
            this.in = new BufferedInputStream(socket.getInputStream());
        }

        void get(String path, int expectedStatus) throws IOException {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: httpbin\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = readLine();
            if (!statusLine.startsWith("HTTP/1.1 " + expectedStatus)) {
                throw new IOException("unexpected response from the stand-in: " + statusLine);
            }
            int contentLength = 0;
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                    contentLength = Integer.parseInt(line.substring(15).trim());
                }
            }
            in.skipNBytes(contentLength);
        }

        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed by the stand-in");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }
    }
}

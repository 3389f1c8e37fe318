package dev.secureingress.embedded.gateway;

import dev.secureingress.cli.Benchmark;
import dev.secureingress.cli.Figures;
import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.cluster.ConditionReport;
import dev.secureingress.embedded.api.EmbeddedApiServer;
import dev.secureingress.embedded.dataplane.DataPlane;
import dev.secureingress.embedded.dataplane.GatewayProgram;
import dev.secureingress.embedded.dataplane.ProgrammedGateway;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.SecretLayout;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Gateway controller figures, against the embedded API server with a data plane that only takes the time:
 * <ul>
 *   <li>{@code controller.secret-to-program.p50.ms}, {@code .p99.ms}: a certificate Secret is updated -> the
 *       controller hands the data plane a program with the new certificate (over
 *       {@value #ROTATIONS} rotations);</li>
 *   <li>{@code controller.gateway-programmed.ms}: a Secret and an HTTPS Gateway are created -> the client sees
 *       the Gateway {@code Programmed} (median).</li>
 * </ul>
 */
public final class GatewayControllerBenchmark implements Benchmark {

    static final int ROTATIONS = 60;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String HOST = "bench.example.com";

    @Override
    public String area() {
        return "controller";
    }

    @Override
    public void run(Figures figures) throws Exception {
        CertificateAuthority ca = CertificateAuthority.root("O=example Inc.,CN=example.com").build();
        TimingDataPlane dataPlane = new TimingDataPlane();
        try (EmbeddedApiServer api = EmbeddedApiServer.start();
             GatewayController controller = GatewayController.start(api.inProcessClient(), dataPlane)) {
            KubernetesClient client = api.inProcessClient();
            int[] gateways = {0};
            double programmed = figures.medianMillis(3, () -> {
                String ns = "bench-" + gateways[0]++;
                client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
                SecretLayout.TLS.secrets(ns, "credential", ca.issue().server(HOST).build())
                        .forEach(s -> client.resource(s).create());
                client.resource(gateway(ns)).create();
                BoundedWait.<Gateway>forState("Gateway " + ns + "/gw Programmed").atMost(WAIT)
                        .describedBy(ConditionReport::of)
                        .untilWatched(client.resources(Gateway.class).inNamespace(ns).withName("gw"),
                                ConditionReport.hasCondition("Programmed", "True"));
            });
            figures.report("controller.gateway-programmed.ms", programmed, "ms");

            String ns = "bench-0";
            List<Credential> credentials = new ArrayList<>();
            for (int i = 0; i < ROTATIONS + 5; i++) {
                credentials.add(ca.issue().server(HOST).build());
            }
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < credentials.size(); i++) {
                Credential next = credentials.get(i);
                CompletableFuture<Long> seen = dataPlane.expect(next.certificate());
                long start = System.nanoTime();
                client.resource(SecretLayout.TLS.secrets(ns, "credential", next).get(0)).update();
                long at = seen.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (i >= 5) { // the first rotations warm up
                    millis.add((at - start) / 1_000_000.0);
                }
            }
            Collections.sort(millis);
            figures.report("controller.secret-to-program.p50.ms", percentile(millis, 50), "ms");
            figures.report("controller.secret-to-program.p99.ms", percentile(millis, 99), "ms");
        } finally {
            dataPlane.close();
        }
    }

    private static Gateway gateway(String namespace) {
        return new GatewayBuilder().withNewMetadata().withNamespace(namespace).withName("gw").endMetadata()
                .withNewSpec().withGatewayClassName(GatewayController.CLASS_NAME)
                .addNewListener().withName("https").withHostname(HOST).withPort(443).withProtocol("HTTPS")
                .withNewTls().addNewCertificateRef().withName("credential").endCertificateRef().endTls().endListener()
                .endSpec().build();
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(List<Double> sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    /** Binds nothing; notes when a program first carries an expected certificate. */
    private static final class TimingDataPlane implements DataPlane {
        private final AtomicReference<X509Certificate> expected = new AtomicReference<>();
        private volatile CompletableFuture<Long> seen = new CompletableFuture<>();

        CompletableFuture<Long> expect(X509Certificate certificate) {
            seen = new CompletableFuture<>();
            expected.set(certificate);
            return seen;
        }

        @Override
        public ProgrammedGateway program(GatewayProgram program) {
            long now = System.nanoTime();
            X509Certificate wanted = expected.get();
            boolean carries = program.listeners().stream().filter(l -> l.tls() != null)
                    .flatMap(l -> l.tls().certificates().stream())
                    .anyMatch(c -> c.chain().get(0).equals(wanted));
            if (carries) {
                seen.complete(now);
            }
            Map<Integer, Integer> bound = new java.util.HashMap<>();
            program.listeners().forEach(l -> bound.put(l.port(), l.port()));
            return new ProgrammedGateway(InetAddress.getLoopbackAddress(), bound);
        }

        @Override
        public void remove(String namespace, String name) {
        }

        @Override
        public void close() {
        }
    }
}

package dev.secureingress.embedded.dataplane;

import dev.secureingress.cli.Benchmark;
import dev.secureingress.cli.Figures;
import dev.secureingress.cli.LatencySamples;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code gateway.rps.ratio}: HTTPS requests per second through the gateway divided by the same backend served
 * over HTTPS directly, with the same client (OkHttp, HTTP/1.1 keep-alive, {@value #CONCURRENCY} concurrent
 * callers, a 3-byte body), plus {@code gateway.p99.ms}, the 99th percentile request latency through the gateway.
 * Direct and gateway runs alternate so that load from elsewhere on the machine affects both alike.
 */
public final class GatewayBenchmark implements Benchmark {

    private static final int CONCURRENCY = 4;
    private static final Duration WARM_UP = Duration.ofSeconds(2);
    private static final Duration ROUND = Duration.ofSeconds(3);
    private static final int ROUNDS = 2;
    private static final String GATEWAY_HOST = "bench.example.com";
    private static final String DIRECT_HOST = "direct.example.com";

    @Override
    public String area() {
        return "gateway";
    }

    @Override
    public void run(Figures figures) throws Exception {
        CertificateAuthority root = CertificateAuthority.root("O=example Inc.,CN=example.com").build();
        Credential server = root.issue().server(GATEWAY_HOST, DIRECT_HOST).build();
        SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        try (BenchmarkBackend backend = new BenchmarkBackend(SslContextBuilder.forServer(server.privateKey(),
                server.chain()).sslProvider(provider).build(), 1);
             NettyDataPlane dataPlane = NettyDataPlane.create()) {
            ProgrammedGateway programmed = dataPlane.program(program(server, backend.plainAddress()));
            InetSocketAddress gateway = new InetSocketAddress(programmed.address(), programmed.boundPorts().get(443));
            OkHttpClient client = client(root.certificate(), gateway.getAddress());
            String viaGateway = "https://" + GATEWAY_HOST + ":" + gateway.getPort() + "/get";
            String direct = "https://" + DIRECT_HOST + ":" + backend.tlsAddress().getPort() + "/get";
            ExecutorService callers = Executors.newFixedThreadPool(CONCURRENCY);
            try {
                load(client, direct, WARM_UP, callers);
                load(client, viaGateway, WARM_UP, callers);
                Run directRuns = new Run();
                Run gatewayRuns = new Run();
                for (int round = 0; round < ROUNDS; round++) {
                    directRuns.add(load(client, direct, ROUND, callers));
                    gatewayRuns.add(load(client, viaGateway, ROUND, callers));
                }
                figures.note("gateway.*: OkHttp, HTTP/1.1 keep-alive, " + CONCURRENCY + " callers, " + ROUNDS + " x "
                        + ROUND.toSeconds() + " s each way; TLS " + provider + "; backend over HTTP/1.1 behind the gateway");
                figures.report("gateway.rps", gatewayRuns.rps(), "requests/s");
                figures.report("gateway.direct.rps", directRuns.rps(), "requests/s");
                figures.report("gateway.rps.ratio", gatewayRuns.rps() / directRuns.rps(), "ratio");
                figures.report("gateway.p99.ms", gatewayRuns.latencies.percentileMillis(99), "ms");
                figures.report("gateway.direct.p99.ms", directRuns.latencies.percentileMillis(99), "ms");
            } finally {
                callers.shutdownNow();
                client.dispatcher().executorService().shutdownNow();
                client.connectionPool().evictAll();
            }
        }
    }

    private static GatewayProgram program(Credential server, InetSocketAddress backend) {
        TlsProgram tls = new TlsProgram(List.of(TlsProgram.ServerCertificate.of(server)),
                TlsProgram.TerminateMode.SIMPLE, List.of());
        RouteProgram route = new RouteProgram("bench", "backend", null, List.of(), List.of(new RouteProgram.Rule(
                List.of(), List.of(), List.of(new RouteProgram.Backend("bench/backend:80", 1, List.of(backend), null,
                List.of())), null)));
        return new GatewayProgram("bench", "gateway", List.of(new ListenerProgram("https", 443,
                ListenerProgram.Protocol.HTTPS, GATEWAY_HOST, tls, List.of(route))));
    }

    /** Requests from {@link #CONCURRENCY} callers for {@code duration}; every answer must be 200. */
    private static Run load(OkHttpClient client, String url, Duration duration, ExecutorService callers)
            throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        List<Future<LatencySamples>> results = new ArrayList<>();
        for (int i = 0; i < CONCURRENCY; i++) {
            results.add(callers.submit(() -> {
                LatencySamples samples = new LatencySamples();
                Request request = new Request.Builder().url(url).build();
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    try (Response response = client.newCall(request).execute()) {
                        response.body().bytes();
                        if (response.code() != 200) {
                            throw new IOException(url + " answered " + response.code());
                        }
                    }
                    samples.add(System.nanoTime() - start);
                }
                return samples;
            }));
        }
        Run run = new Run();
        for (Future<LatencySamples> result : results) {
            run.latencies.addAll(result.get(duration.toSeconds() + 60, TimeUnit.SECONDS));
        }
        run.seconds = duration.toNanos() / 1e9;
        return run;
    }

    private static OkHttpClient client(X509Certificate root, InetAddress gateway) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("root", root);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        X509TrustManager trustManager = (X509TrustManager) factory.getTrustManagers()[0];
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new javax.net.ssl.TrustManager[]{trustManager}, null);
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequestsPerHost(CONCURRENCY);
        return new OkHttpClient.Builder()
                .dns(hostname -> List.of(hostname.equals(GATEWAY_HOST) ? gateway : InetAddress.getLoopbackAddress()))
                .sslSocketFactory(tls.getSocketFactory(), trustManager)
                .protocols(List.of(Protocol.HTTP_1_1))
                .connectionPool(new ConnectionPool(CONCURRENCY * 2, 1, TimeUnit.MINUTES))
                .dispatcher(dispatcher)
                .callTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** Samples and time of one or more load runs. */
    private static final class Run {
        private final LatencySamples latencies = new LatencySamples();
        private double seconds;

        void add(Run other) {
            latencies.addAll(other.latencies);
            seconds += other.seconds;
        }

        double rps() {
            return latencies.size() / seconds;
        }
    }
}

package dev.secureingress.embedded;

import dev.secureingress.cli.Benchmark;
import dev.secureingress.cli.Figures;
import dev.secureingress.cli.LatencySamples;
import dev.secureingress.embedded.dataplane.GatewayProgram;
import dev.secureingress.embedded.dataplane.ListenerProgram;
import dev.secureingress.embedded.dataplane.NettyDataPlane;
import dev.secureingress.embedded.dataplane.ProgrammedGateway;
import dev.secureingress.embedded.dataplane.TlsProgram;
import dev.secureingress.ingress.HostSpec;
import dev.secureingress.ingress.IngressApplier;
import dev.secureingress.ingress.IngressNames;
import dev.secureingress.ingress.IngressPlan;
import dev.secureingress.ingress.IngressReadiness;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.SecretLayout;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Certificate rotation figures, each over {@value #ROTATIONS} rotations after {@value #WARMUPS} untimed ones,
 * each rotation to a certificate from a new root (so a handshake trusting only the new root succeeds exactly
 * when the new certificate is served). Every probe is a fresh TLS handshake from a client holding no session
 * it could resume.
 * <ul>
 *   <li>{@code rotation.p50.ms}, {@code rotation.p99.ms}, end to end on an {@link EmbeddedCluster}: the TLS
 *       Secret is updated through the Kubernetes API -> the first handshake that presents the new
 *       certificate (API server, informer, gateway controller, data plane);</li>
 *   <li>{@code rotation.dataplane.p50.ms}, {@code rotation.dataplane.p99.ms}: the data plane alone, from
 *       {@link NettyDataPlane#program} with the new certificate to the first handshake that presents it.</li>
 * </ul>
 */
public final class RotationBenchmark implements Benchmark {

    private static final int ROTATIONS = 60;
    private static final int WARMUPS = 5;
    private static final String HOST = "rotation.example.com";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** A certificate from a root of its own, and a client context that trusts only that root. */
    private record Rotation(Credential credential, SslContext trustingOnlyItsRoot) {
    }

    @Override
    public String area() {
        return "rotation";
    }

    @Override
    public void run(Figures figures) throws Exception {
        int warmups = figures.warmups(WARMUPS);
        figures.note(String.format(Locale.ROOT, "rotation.*: system load average %.2f on %d processors at the start",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors()));
        LatencySamples endToEnd = endToEnd(rotations(warmups + ROTATIONS + 1), warmups);
        figures.note("rotation.*: end to end on the embedded cluster, over " + ROTATIONS + " rotations: TLS Secret "
                + "updated through the API -> first fresh TLS handshake presenting the new certificate");
        figures.report("rotation.p50.ms", endToEnd.percentileMillis(50), "ms");
        figures.report("rotation.p99.ms", endToEnd.percentileMillis(99), "ms");

        LatencySamples dataPlane = dataPlaneOnly(rotations(warmups + ROTATIONS + 1), warmups);
        figures.note("rotation.dataplane.*: the data plane alone, over " + ROTATIONS + " rotations: "
                + "DataPlane.program() with the new certificate -> first fresh TLS handshake presenting it");
        figures.report("rotation.dataplane.p50.ms", dataPlane.percentileMillis(50), "ms");
        figures.report("rotation.dataplane.p99.ms", dataPlane.percentileMillis(99), "ms");
    }

    private static LatencySamples endToEnd(List<Rotation> rotations, int warmups) throws Exception {
        LatencySamples samples = new LatencySamples();
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().start(); HandshakeProbe probe = new HandshakeProbe()) {
            KubernetesClient client = cluster.client();
            IngressPlan plan = new IngressPlan(IngressNames.forOwner("rotation-benchmark"),
                    List.of(HostSpec.host(HOST).backend("none", 80).build()));
            String namespace = plan.names().namespace();
            IngressApplier applier = new IngressApplier(client, namespace);
            applier.createNamespace(namespace, "rotation-benchmark");
            String secretName = plan.secretName(HOST);
            SecretLayout.TLS.secrets(namespace, secretName, rotations.get(0).credential()).forEach(applier::create);
            applier.create(plan.gateway());
            new IngressReadiness(client, DEADLINE).awaitGateway(namespace, plan.names().gateway());
            InetSocketAddress gateway = cluster.gatewayEndpoint(namespace, plan.names().gateway(), IngressPlan.HTTPS_PORT);
            probe.untilTrusted(gateway, rotations.get(0).trustingOnlyItsRoot());
            Secret current = client.secrets().inNamespace(namespace).withName(secretName).get();
            for (int i = 1; i < rotations.size(); i++) {
                Rotation next = rotations.get(i);
                Secret secret = SecretLayout.TLS.secrets(namespace, secretName, next.credential()).get(0);
                // over the version last written: a single PUT, no read first
                secret.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
                long start = System.nanoTime();
                current = client.resource(secret).update();
                probe.untilTrusted(gateway, next.trustingOnlyItsRoot());
                if (i > warmups) {
                    samples.add(System.nanoTime() - start);
                }
            }
        }
        return samples;
    }

    private static LatencySamples dataPlaneOnly(List<Rotation> rotations, int warmups) throws IOException {
        LatencySamples samples = new LatencySamples();
        try (NettyDataPlane dataPlane = NettyDataPlane.create(); HandshakeProbe probe = new HandshakeProbe()) {
            ProgrammedGateway programmed = dataPlane.program(program(rotations.get(0).credential()));
            InetSocketAddress gateway = new InetSocketAddress(programmed.address(), programmed.boundPorts().get(443));
            probe.untilTrusted(gateway, rotations.get(0).trustingOnlyItsRoot());
            for (int i = 1; i < rotations.size(); i++) {
                Rotation next = rotations.get(i);
                long start = System.nanoTime();
                dataPlane.program(program(next.credential()));
                probe.untilTrusted(gateway, next.trustingOnlyItsRoot());
                if (i > warmups) {
                    samples.add(System.nanoTime() - start);
                }
            }
        }
        return samples;
    }

    private static List<Rotation> rotations(int count) throws SSLException {
        List<Rotation> rotations = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CertificateAuthority root = CertificateAuthority.root("O=example Inc.,CN=example.com").build();
            rotations.add(new Rotation(root.issue().server(HOST).build(), HandshakeProbe.trusting(root)));
        }
        return rotations;
    }

    private static GatewayProgram program(Credential credential) {
        TlsProgram tls = new TlsProgram(List.of(TlsProgram.ServerCertificate.of(credential)),
                TlsProgram.TerminateMode.SIMPLE, List.of());
        return new GatewayProgram("bench", "rotation", List.of(new ListenerProgram("https", 443,
                ListenerProgram.Protocol.HTTPS, HOST, tls, List.of())));
    }

    /**
     * Fresh TLS handshakes with SNI {@value #HOST}, each on a new connection, on BoringSSL where available: its
     * handshakes cost a fraction of the JDK's, so probing takes little of the CPU the rotation itself needs.
     */
    private static final class HandshakeProbe implements AutoCloseable {
        private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("rotation-probe", true), NioIoHandler.newFactory());
        private final Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) HANDSHAKE_TIMEOUT.toMillis());

        /** A client context trusting only {@code root}; its sessions exist only once a handshake succeeded. */
        static SslContext trusting(CertificateAuthority root) throws SSLException {
            return SslContextBuilder.forClient()
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .trustManager(root.certificate())
                    .build();
        }

        /**
         * Handshakes until one verifies against {@code trust}, bounded by {@link #DEADLINE}. Failed handshakes
         * leave no session behind, so the one that succeeds is never a resumption.
         */
        void untilTrusted(InetSocketAddress gateway, SslContext trust) throws IOException {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            Throwable last = null;
            while (System.nanoTime() < deadline) {
                Throwable failure = handshake(gateway, trust);
                if (failure == null) {
                    return;
                }
                last = failure;
            }
            throw new IOException("the new certificate was not served within " + DEADLINE.toSeconds() + " s", last);
        }

        /** One handshake on a new connection: {@code null} when it succeeded, else why it failed. */
        private Throwable handshake(InetSocketAddress gateway, SslContext trust) {
            SslHandler tls = trust.newHandler(ByteBufAllocator.DEFAULT, HOST, gateway.getPort());
            ChannelFuture connected = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel channel) {
                    channel.pipeline().addLast(tls, new ChannelInboundHandlerAdapter() {
                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            ctx.close(); // the handshake future reports it
                        }
                    });
                }
            }).connect(gateway);
            Channel channel = connected.channel();
            try {
                if (!connected.awaitUninterruptibly(HANDSHAKE_TIMEOUT.toMillis())) {
                    return new IOException("no connection within " + HANDSHAKE_TIMEOUT.toSeconds() + " s");
                }
                if (!connected.isSuccess()) {
                    return connected.cause();
                }
                Future<Channel> handshake = tls.handshakeFuture();
                if (!handshake.awaitUninterruptibly(HANDSHAKE_TIMEOUT.toMillis())) {
                    return new IOException("no handshake within " + HANDSHAKE_TIMEOUT.toSeconds() + " s");
                }
                return handshake.isSuccess() ? null : handshake.cause();
            } finally {
                channel.close().awaitUninterruptibly(HANDSHAKE_TIMEOUT.toMillis());
            }
        }

        @Override
        public void close() {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}

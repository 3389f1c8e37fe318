package dev.secureingress.embedded.dataplane;

import dev.secureingress.cli.Benchmark;
import dev.secureingress.cli.Figures;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rotation.p50.ms}, {@code rotation.p99.ms}: how long after a certificate is replaced the first new TLS
 * handshake presents the new certificate, over {@value #ROTATIONS} rotations, each to a certificate from a new
 * root (so a handshake trusting only the new root succeeds exactly when the new certificate is served).
 *
 * <p>Scope: the data plane only. The clock starts when {@link DataPlane#program} is called with the new
 * certificate; the Kubernetes API and the gateway controller are not in the path.
 */
public final class RotationBenchmark implements Benchmark {

    private static final int ROTATIONS = 60;
    private static final String HOST = "rotation.example.com";
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Override
    public String area() {
        return "rotation";
    }

    @Override
    public void run(Figures figures) throws Exception {
        List<CertificateAuthority> roots = new ArrayList<>();
        List<Credential> leaves = new ArrayList<>();
        for (int i = 0; i <= ROTATIONS; i++) {
            CertificateAuthority root = CertificateAuthority.root("O=example Inc.,CN=example.com").build();
            roots.add(root);
            leaves.add(root.issue().server(HOST).build());
        }
        LatencySamples samples = new LatencySamples();
        try (NettyDataPlane dataPlane = NettyDataPlane.create()) {
            ProgrammedGateway programmed = dataPlane.program(program(leaves.get(0)));
            InetSocketAddress gateway = new InetSocketAddress(programmed.address(), programmed.boundPorts().get(443));
            handshakeUntilTrusted(gateway, trusting(roots.get(0)));
            for (int i = 1; i <= ROTATIONS; i++) {
                SSLContext newRootOnly = trusting(roots.get(i));
                long start = System.nanoTime();
                dataPlane.program(program(leaves.get(i)));
                handshakeUntilTrusted(gateway, newRootOnly);
                samples.add(System.nanoTime() - start);
            }
        }
        figures.note("rotation.*: data plane only, over " + ROTATIONS + " rotations: DataPlane.program() with the new "
                + "certificate -> first fresh TLS handshake presenting it (no Kubernetes API or controller in the path)");
        figures.report("rotation.p50.ms", samples.percentileMillis(50), "ms");
        figures.report("rotation.p99.ms", samples.percentileMillis(99), "ms");
    }

    private static GatewayProgram program(Credential credential) {
        TlsProgram tls = new TlsProgram(List.of(TlsProgram.ServerCertificate.of(credential)),
                TlsProgram.TerminateMode.SIMPLE, List.of());
        return new GatewayProgram("bench", "rotation", List.of(new ListenerProgram("https", 443,
                ListenerProgram.Protocol.HTTPS, HOST, tls, List.of())));
    }

    /** Fresh handshakes until one verifies against {@code trust}; bounded by {@link #DEADLINE}. */
    private static void handshakeUntilTrusted(InetSocketAddress gateway, SSLContext trust) throws IOException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        SSLException last = null;
        while (System.nanoTime() < deadline) {
            try (SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket()) {
                socket.connect(gateway, 10_000);
                socket.setSoTimeout(10_000);
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName(HOST)));
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                return;
            } catch (SSLException oldCertificate) {
                last = oldCertificate;
            }
        }
        throw new IOException("the new certificate was not served within " + DEADLINE.toSeconds() + " s", last);
    }

    private static SSLContext trusting(CertificateAuthority root) throws GeneralSecurityException, IOException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("root", root.certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}

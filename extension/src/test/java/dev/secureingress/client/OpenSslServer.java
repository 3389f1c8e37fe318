package dev.secureingress.client;

import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.Pem;
import dev.secureingress.tls.PemFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code openssl s_server -www} on an ephemeral loopback port: a TLS server that is not the JDK's, answering
 * {@code GET /} with its status page. OpenSSL, like the BoringSSL in Istio's Envoy, ends a TLS 1.3 handshake
 * without the required client certificate with the alert {@code certificate_required}.
 */
final class OpenSslServer implements AutoCloseable {

    private static final Pattern ACCEPT = Pattern.compile("ACCEPT .*:(\\d+)");

    private final Process process;
    private final Path log;
    private final int port;

    private OpenSslServer(Path directory, Credential credential, X509Certificate clientCa) throws IOException {
        Path certificate = PemFiles.writePublic(directory.resolve("server.crt"), Pem.encode(credential.chain()));
        Path key = PemFiles.writePrivateKey(directory.resolve("server.key"), credential.privateKey());
        List<String> command = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:0",
                "-cert", certificate.toString(), "-key", key.toString(), "-www"));
        if (clientCa != null) {
            Path ca = PemFiles.writePublic(directory.resolve("client-ca.crt"), Pem.encode(clientCa));
            command.addAll(List.of("-CAfile", ca.toString(), "-Verify", "1"));
        }
        this.log = directory.resolve("s_server.log");
        this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        this.port = BoundedWait.<Integer>forState("openssl s_server to print its ACCEPT line in " + log)
                .atMost(Duration.ofSeconds(20))
                .describedBy(seen -> readLog())
                .until(this::acceptedPort, found -> found > 0);
    }

    /** Serves {@code credential}; with {@code clientCa}, requires a client certificate issued by it. */
    static OpenSslServer start(Path directory, Credential credential, X509Certificate clientCa) throws IOException {
        return new OpenSslServer(directory, credential, clientCa);
    }

    InetSocketAddress endpoint() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    private int acceptedPort() {
        if (!process.isAlive()) {
            throw new IllegalStateException("openssl s_server exited: " + readLog());
        }
        Matcher matcher = ACCEPT.matcher(readLog());
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    private String readLog() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}

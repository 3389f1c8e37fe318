package dev.secureingress.client;

import dev.secureingress.tls.Pem;
import dev.secureingress.tls.SeedPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CurlCommandTest {

    static final String HTTPBIN = SeedPki.HTTPBIN_HOST;
    static final InetSocketAddress GATEWAY = new InetSocketAddress("127.0.0.2", 31443);

    static SeedPki seed;

    @BeforeAll
    static void generatePki() {
        seed = SeedPki.generate();
    }

    static IngressClient.Builder client() {
        return IngressClient.builder().trust(seed.root1()).resolve(HTTPBIN, GATEWAY);
    }

    @Nested
    class CommandLine {

        @Test
        void readsLikeTheSeedsCurlWithTheGatewaysRealPort() {
            try (IngressClient client = client().build()) {
                String line = client.curl(IngressRequest.get(HTTPBIN, "/status/418")).commandLine();

                assertThat(line).matches("curl -sS -H Host:httpbin\\.example\\.com"
                        + " --resolve httpbin\\.example\\.com:31443:127\\.0\\.0\\.2"
                        + " --cacert ca-[0-9a-f]{8}\\.crt https://httpbin\\.example\\.com:31443/status/418");
            }
        }

        @Test
        void leavesOutPort443AndQuotesWhatTheShellWouldSplit() {
            try (IngressClient client = IngressClient.builder().trust(seed.root1())
                    .resolveAll(new InetSocketAddress("127.0.0.3", 443)).build()) {
                IngressRequest request = IngressRequest.builder("https://httpbin.example.com/anything?a=1&b=2")
                        .header("X-Note", "it's here")
                        .method("POST", "hello world", "text/plain")
                        .build();

                assertThat(client.curl(request).commandLine()).endsWith(
                        " -H 'X-Note: it'\\''s here' -H 'Content-Type: text/plain'"
                                + " --data-binary 'hello world' 'https://httpbin.example.com/anything?a=1&b=2'")
                        .startsWith("curl -sS -X POST -H Host:httpbin.example.com"
                                + " --resolve httpbin.example.com:443:127.0.0.3 ");
            }
        }

        @Test
        void bracketsIpv6AddressesAndUsesConnectToForGatewaysKnownByName() throws Exception {
            try (IngressClient v6 = IngressClient.builder().trust(seed.root1())
                    .resolveAll(new InetSocketAddress(InetAddress.getByName("::1"), 8443)).build();
                 IngressClient named = IngressClient.builder().trust(seed.root1())
                         .resolveAll(InetSocketAddress.createUnresolved("lb.example.net", 443)).build()) {
                assertThat(v6.curl(IngressRequest.get(HTTPBIN, "/")).commandLine())
                        .contains(" --resolve 'httpbin.example.com:8443:[0:0:0:0:0:0:0:1]' ");
                assertThat(named.curl(IngressRequest.get(HTTPBIN, "/")).commandLine())
                        .contains(" --connect-to httpbin.example.com:443:lb.example.net:443 ")
                        .doesNotContain("--resolve");
            }
        }

        @Test
        void namesTheClientCertificateAndKeyFilesButNeverTheKey() {
            try (IngressClient client = client().clientCertificate(seed.client()).build()) {
                String line = client.curl(IngressRequest.get(HTTPBIN, "/")).commandLine();

                assertThat(line).containsPattern(" --cert client-([0-9a-f]{8})\\.crt --key client-\\1\\.key ");
                String key = Base64.getMimeEncoder().encodeToString(seed.client().privateKey().getEncoded());
                assertThat(line).doesNotContain("PRIVATE KEY").doesNotContain(key.substring(0, 32));
            }
        }
    }

    @Nested
    class FilesOnDemand {

        @Test
        void writesPemFilesOnDemandWithAnOwnerOnlyKey(@TempDir Path directory) throws IOException {
            try (IngressClient client = client().clientCertificate(seed.client()).build()) {
                CurlCommand curl = client.curl(IngressRequest.get(HTTPBIN, "/")).withFilesIn(directory);
                assertThat(directory).isEmptyDirectory();

                curl.writeFiles();

                List<String> args = curl.arguments();
                Path ca = Path.of(args.get(args.indexOf("--cacert") + 1));
                Path certificate = Path.of(args.get(args.indexOf("--cert") + 1));
                Path key = Path.of(args.get(args.indexOf("--key") + 1));
                assertThat(ca.getParent()).isEqualTo(directory.toAbsolutePath());
                assertThat(Pem.readCertificates(Files.readString(ca))).containsExactly(seed.root1().certificate());
                assertThat(Pem.readCertificates(Files.readString(certificate)))
                        .containsExactlyElementsOf(seed.client().chain());
                assertThat(Pem.readPrivateKey(Files.readString(key))).isEqualTo(seed.client().privateKey());
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
                assertThat(curl.commandLine()).contains("--cacert " + ca).doesNotContain("PRIVATE KEY");
            }
        }

        @Test
        void clientsWithDifferentCasShareADirectoryWithoutClashing(@TempDir Path directory) throws IOException {
            try (IngressClient root1 = client().curlFilesDirectory(directory).build();
                 IngressClient root2 = root1.newBuilder().trustNothingYet().trust(seed.root2()).build()) {
                CurlCommand first = root1.curl(IngressRequest.get(HTTPBIN, "/")).writeFiles();
                CurlCommand second = root2.curl(IngressRequest.get(HTTPBIN, "/")).writeFiles();

                String firstCa = first.arguments().get(first.arguments().indexOf("--cacert") + 1);
                String secondCa = second.arguments().get(second.arguments().indexOf("--cacert") + 1);
                assertThat(firstCa).isNotEqualTo(secondCa);
                assertThat(Pem.readCertificates(Files.readString(Path.of(secondCa))))
                        .containsExactly(seed.root2().certificate());
            }
        }

        @Test
        void writingWithoutADirectorySaysHowToSetOne() {
            try (IngressClient client = client().build()) {
                assertThatThrownBy(() -> client.curl(IngressRequest.get(HTTPBIN, "/")).writeFiles())
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("withFilesIn(directory)");
            }
        }
    }

    /** The command line really works: curl, where installed, sends it to a TLS server started here. */
    @Nested
    class RunWithCurl {

        @BeforeAll
        static void requireCurl() {
            assumeTrue(curlAvailable(), "curl is not on PATH; the command lines are checked as text only");
        }

        @Test
        void curlGetsTheTeapot(@TempDir Path directory) throws Exception {
            try (TlsTestServer server = TlsTestServer.serving(HTTPBIN, seed.httpbin1());
                 IngressClient client = IngressClient.builder().trust(seed.root1()).resolveAll(server.endpoint())
                         .curlFilesDirectory(directory).build()) {
                CurlResult result = run(client.get(HTTPBIN, "/status/418").curl().writeFiles());

                assertThat(result.exitCode).as(result.output).isZero();
                assertThat(result.output).isEqualTo("I'm a teapot!");
            }
        }

        @Test
        void curlPresentsTheClientCertificateAndKeepsHostAndSni(@TempDir Path directory) throws Exception {
            try (TlsTestServer server = TlsTestServer.builder().serve(HTTPBIN, seed.httpbin1())
                    .requireClientCertificates(seed.root1().certificate()).start();
                 IngressClient client = IngressClient.builder().trust(seed.root1()).resolveAll(server.endpoint())
                         .clientCertificate(seed.client()).curlFilesDirectory(directory).build()) {
                CurlResult result = run(client.curl(IngressRequest.get(HTTPBIN, "/echo")).writeFiles());

                assertThat(result.exitCode).as(result.output).isZero();
                assertThat(result.output).contains("host=httpbin.example.com\n", "sni=httpbin.example.com");
            }
        }

        @Test
        void curlRefusesTheRotatedRootAsTheClientDoes(@TempDir Path directory) throws Exception {
            try (TlsTestServer server = TlsTestServer.serving(HTTPBIN, seed.httpbin2());
                 IngressClient client = IngressClient.builder().trust(seed.root1()).resolveAll(server.endpoint())
                         .curlFilesDirectory(directory).build()) {
                CurlResult result = run(client.curl(IngressRequest.get(HTTPBIN, "/status/418")).writeFiles());

                assertThat(result.exitCode).as(result.output).isNotZero();
                assertThat(result.output).doesNotContain("teapot");
            }
        }
    }

    record CurlResult(int exitCode, String output) {
    }

    static CurlResult run(CurlCommand curl) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(curl.arguments()).redirectErrorStream(true);
        List.of("http_proxy", "https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy").forEach(builder.environment()::remove);
        Process process = builder.start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("curl did not finish within 30 s: " + curl);
        }
        return new CurlResult(process.exitValue(), new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8));
    }

    static boolean curlAvailable() {
        try {
            Process version = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
            version.getInputStream().readAllBytes();
            return version.waitFor(10, TimeUnit.SECONDS) && version.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

package dev.secureingress.assertions;

import dev.secureingress.client.HandshakeFailure.Reason;
import dev.secureingress.client.HandshakeResult;
import dev.secureingress.client.IngressClient;
import dev.secureingress.client.IngressResponse;
import dev.secureingress.client.RudeTcpServer;
import dev.secureingress.client.TlsTestServer;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.SeedPki;
import dev.secureingress.tls.Validity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static dev.secureingress.assertions.IngressAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngressAssertionsTest {

    static final String HTTPBIN = SeedPki.HTTPBIN_HOST;
    static final String HELLOWORLD = SeedPki.HELLOWORLD_HOST;

    static SeedPki seed;
    static TlsTestServer gateway;
    static TlsTestServer rotatedGateway;
    static TlsTestServer mutualGateway;
    static IngressClient client;

    @TempDir
    static Path curlFiles;

    @BeforeAll
    static void startGateways() throws Exception {
        seed = SeedPki.generate();
        gateway = TlsTestServer.builder().serve(HTTPBIN, seed.httpbin1()).serve(HELLOWORLD, seed.helloworld()).start();
        rotatedGateway = TlsTestServer.serving(HTTPBIN, seed.httpbin2());
        mutualGateway = TlsTestServer.builder().serve(HTTPBIN, seed.httpbin1())
                .requireClientCertificates(seed.root1().certificate()).start();
        client = IngressClient.builder().trust(seed.root1()).resolveAll(gateway.endpoint())
                .curlFilesDirectory(curlFiles).build();
    }

    @AfterAll
    static void stopGateways() throws Exception {
        client.close();
        gateway.close();
        rotatedGateway.close();
        mutualGateway.close();
    }

    static IngressClient clientOf(TlsTestServer server) {
        return client.newBuilder().resolveAll(server.endpoint()).build();
    }

    @Nested
    class Responses {

        @Test
        void teapot() {
            IngressResponse teapot = client.get(HTTPBIN, "/status/418");
            assertThat(teapot).isTeapot().hasStatus(418).hasBody("I'm a teapot!")
                    .hasHeader("X-More-Info", "http://tools.ietf.org/html/rfc2324");

            IngressResponse echo = client.get(HTTPBIN, "/echo");
            assertThatThrownBy(() -> assertThat(echo).isTeapot())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expected httpbin's teapot (418, body <I'm a teapot!>) but got status 200")
                    .hasMessageContaining("body: <method=GET")
                    .hasMessageContaining("reproduce with: curl -sS -H Host:httpbin.example.com --resolve "
                            + "httpbin.example.com:" + gateway.endpoint().getPort() + ":127.0.0.1 --cacert " + curlFiles);
        }

        @Test
        void failureMessagesReferToCurlFilesThatExist() {
            IngressResponse echo = client.get(HTTPBIN, "/echo");
            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> assertThat(echo).hasStatus(201));

            String caFile = failure.getMessage().replaceAll("(?s).*--cacert (\\S+).*", "$1");
            org.assertj.core.api.Assertions.assertThat(Path.of(caFile)).exists().startsWith(curlFiles);
        }

        @Test
        void helloFromAVersion() {
            IngressResponse hello = client.get(HELLOWORLD, "/hello");
            assertThat(hello).isHelloFrom("v1").isOk();

            assertThatThrownBy(() -> assertThat(hello).isHelloFrom("v2"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expected helloworld v2 (200, body <Hello version: v2, instance: ...>)")
                    .hasMessageContaining("body: <Hello version: v1, instance: " + TlsTestServer.HELLO_INSTANCE);
            assertThatThrownBy(() -> assertThat(client.get(HTTPBIN, "/status/418")).isHelloFrom("v1"))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("but got status 418");
        }

        @Test
        void status() {
            assertThat(client.get(HTTPBIN, "/status/404")).isNotFound().hasStatus(404);
            assertThatThrownBy(() -> assertThat(client.get(HTTPBIN, "/status/404")).isOk())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expected status 200 but was 404")
                    .hasMessageContaining("GET https://httpbin.example.com/status/404 -> 404");
        }

        @Test
        void body() {
            IngressResponse echo = client.get(HTTPBIN, "/echo?q=1");
            assertThat(echo).bodyContains("path=/echo?q=1", "sni=httpbin.example.com");

            assertThatThrownBy(() -> assertThat(echo).bodyContains("path=/other"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expected the body to contain <path=/other>");
            assertThatThrownBy(() -> assertThat(echo).hasBody("nothing"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expected body <nothing> but it was different")
                    .hasMessageContaining("body: <method=GET");
        }

        @Test
        void headers() {
            IngressResponse teapot = client.get(HTTPBIN, "/status/418");
            assertThat(teapot).hasHeader("content-type").hasHeader("Content-Type", "text/plain; charset=utf-8");

            assertThatThrownBy(() -> assertThat(teapot).hasHeader("X-Missing"))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("Expected a X-Missing header");
            assertThatThrownBy(() -> assertThat(teapot).hasHeader("X-More-Info", "elsewhere"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expected header X-More-Info: elsewhere but was X-More-Info: "
                            + "http://tools.ietf.org/html/rfc2324");
        }

        @Test
        void tlsVersionAndServedCertificate() {
            IngressResponse teapot = client.get(HTTPBIN, "/status/418");
            assertThat(teapot).hasTlsVersion("TLSv1.3").servedCertificate().isIssuedBy(seed.root1());

            assertThatThrownBy(() -> assertThat(teapot).hasTlsVersion("TLSv1.2"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expected TLS version TLSv1.2 but the connection used TLSv1.3");
            assertThatThrownBy(() -> assertThat(teapot).servedCertificate().isIssuedBy(seed.root2()))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("to be issued by O=example Inc.,CN=example.com")
                    .hasMessageContaining("it comes from another CA with the same name")
                    .hasMessageContaining("for GET https://httpbin.example.com/status/418")
                    .hasMessageContaining("reproduce with: curl");
        }
    }

    @Nested
    class Handshakes {

        @Test
        void succeeded() {
            assertThat(client.probe(HTTPBIN)).succeeded().hasTlsVersion("TLSv1.3");

            try (IngressClient rotated = clientOf(rotatedGateway)) {
                assertThatThrownBy(() -> assertThat(rotated.probe(HTTPBIN)).succeeded())
                        .isInstanceOf(AssertionError.class)
                        .hasMessageContaining("Expected the handshake to succeed but it failed: untrusted issuer")
                        .hasMessageContaining("server presented CN=httpbin.example.com,O=httpbin organization"
                                + " issued by O=example Inc.,CN=example.com")
                        .hasMessageContaining("reproduce with: curl");
            }
        }

        @Test
        void refusedWithTheClassifiedReason() {
            try (IngressClient rotated = clientOf(rotatedGateway)) {
                HandshakeResult refused = rotated.probe(HTTPBIN);
                assertThat(refused).wasRefused().wasRefusedBecause(Reason.UNTRUSTED_ISSUER)
                        .servedCertificate().isIssuedBy(seed.root2());

                assertThatThrownBy(() -> assertThat(refused).wasRefusedBecause(Reason.HOSTNAME_MISMATCH))
                        .isInstanceOf(AssertionError.class)
                        .hasMessageContaining("Expected the handshake to be refused because of hostname mismatch"
                                + " but it failed with untrusted issuer");
            }
            assertThatThrownBy(() -> assertThat(client.probe(HTTPBIN)).wasRefused())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expected the handshake to be refused but it succeeded");
        }

        @Test
        void refusedWithATlsAlert() {
            try (IngressClient noClientCertificate = clientOf(mutualGateway)) {
                HandshakeResult refused = noClientCertificate.probe(HTTPBIN);
                // The JDK's TLS server sends bad_certificate; Istio's Envoy sends certificate_required.
                assertThat(refused).wasRefusedWithAlert("bad_certificate");

                assertThatThrownBy(() -> assertThat(refused).wasRefusedWithAlert("certificate_required"))
                        .isInstanceOf(AssertionError.class)
                        .hasMessageContaining("Expected the TLS alert certificate_required but the server sent"
                                + " bad_certificate");
            }
            try (IngressClient rotated = clientOf(rotatedGateway)) {
                assertThatThrownBy(() -> assertThat(rotated.probe(HTTPBIN)).wasRefusedWithAlert("bad_certificate"))
                        .isInstanceOf(AssertionError.class)
                        .hasMessageContaining("because of TLS alert but it failed with untrusted issuer");
            }
        }

        @Test
        void tlsVersionOfAHandshakeThatDidNotGetThatFar() {
            try (IngressClient refused = client.newBuilder().resolveAll(RudeTcpServer.nothingListening()).build()) {
                assertThatThrownBy(() -> assertThat(refused.probe(HTTPBIN)).hasTlsVersion("TLSv1.3"))
                        .isInstanceOf(AssertionError.class)
                        .hasMessageContaining("but it was none (the handshake did not get that far)")
                        .hasMessageContaining("connection refused");
            }
        }
    }

    @Nested
    class Certificates {

        @Test
        void issuedBy() {
            CertificateAuthority intermediate = seed.root1().intermediate("CN=Intermediate CA,O=example Inc.").build();
            Credential leaf = intermediate.issue().server(HTTPBIN).build();

            assertThat(leaf.certificate()).isIssuedBy(intermediate);
            assertThatThrownBy(() -> assertThat(leaf.certificate()).isIssuedBy(seed.root1()))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("names its issuer CN=Intermediate CA,O=example Inc., not O=example Inc.,CN=example.com");
        }

        @Test
        void issuedByThroughThePresentedIntermediates() throws Exception {
            CertificateAuthority intermediate = seed.root1().intermediate("CN=Intermediate CA,O=example Inc.").build();
            Credential leaf = intermediate.issue().server(HTTPBIN).build();
            try (TlsTestServer server = TlsTestServer.serving(HTTPBIN, leaf);
                 IngressClient chained = clientOf(server)) {
                IngressResponse response = chained.get(HTTPBIN, "/echo");
                assertThat(response).servedCertificate().isIssuedBy(seed.root1()).isIssuedBy(intermediate);
                assertThatThrownBy(() -> assertThat(response).servedCertificate().isIssuedBy(seed.root2()))
                        .isInstanceOf(AssertionError.class)
                        .hasMessageContaining("another CA with the same name");
            }
        }

        @Test
        void subject() {
            assertThat(seed.httpbin1().certificate()).hasSubject("CN=httpbin.example.com,O=httpbin organization")
                    .hasSubject("O=httpbin organization,CN=httpbin.example.com");
            assertThatThrownBy(() -> assertThat(seed.httpbin1().certificate()).hasSubject("CN=httpbin.example.com"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expected subject CN=httpbin.example.com but was"
                            + " CN=httpbin.example.com,O=httpbin organization");
            assertThatThrownBy(() -> assertThat(seed.httpbin1().certificate()).hasSubject("not a name"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("\"not a name\" cannot be parsed");
        }

        @Test
        void subjectAltNames() {
            Credential both = seed.root1().issue().server("a.example.com", "*.b.example.com", "10.0.0.1").build();
            assertThat(both.certificate()).hasSubjectAltNames("*.b.example.com", "10.0.0.1", "a.example.com");
            assertThatThrownBy(() -> assertThat(both.certificate()).hasSubjectAltNames("a.example.com"))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expected subject alternative names [a.example.com] but were"
                            + " [*.b.example.com, 10.0.0.1, a.example.com]");
        }

        @Test
        void validity() {
            Credential expired = seed.root1().issue().server(HTTPBIN).validity(Validity.expired(Duration.ofDays(2)))
                    .build();
            assertThat(seed.httpbin1().certificate()).isValidNow().expiresAfter(Instant.now().plus(Duration.ofDays(300)));
            assertThat(expired.certificate()).isExpired().isValidAt(Instant.now().minus(Duration.ofDays(2))
                    .minus(Duration.ofHours(1)));

            assertThatThrownBy(() -> assertThat(expired.certificate()).isValidNow())
                    .isInstanceOf(AssertionError.class).hasMessageContaining("to be valid at");
            assertThatThrownBy(() -> assertThat(seed.httpbin1().certificate()).isExpired())
                    .isInstanceOf(AssertionError.class).hasMessageContaining("to have expired but it is valid until");
            assertThatThrownBy(() -> assertThat(seed.httpbin1().certificate())
                    .expiresAfter(Instant.now().plus(Duration.ofDays(400))))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("to expire after");
        }
    }

    @Test
    void curlFilesAreWrittenOnlyWhenAFailureNeedsThem(@TempDir Path directory) throws Exception {
        try (IngressClient lazy = client.newBuilder().curlFilesDirectory(directory).build()) {
            IngressResponse teapot = lazy.get(HTTPBIN, "/status/418");
            assertThat(teapot).isTeapot();
            org.assertj.core.api.Assertions.assertThat(directory).isEmptyDirectory();

            assertThatThrownBy(() -> assertThat(teapot).isOk()).isInstanceOf(AssertionError.class);
            try (var files = Files.list(directory)) {
                org.assertj.core.api.Assertions.assertThat(files.map(path -> path.getFileName().toString()))
                        .singleElement().asString().matches("ca-[0-9a-f]{8}\\.crt");
            }
        }
    }
}

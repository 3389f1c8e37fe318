package dev.secureingress.client;

import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.SeedPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class IngressClientTest {

    static final String HTTPBIN = SeedPki.HTTPBIN_HOST;
    static final String HELLOWORLD = SeedPki.HELLOWORLD_HOST;

    static SeedPki seed;

    @BeforeAll
    static void generatePki() {
        seed = SeedPki.generate();
    }

    static IngressClient.Builder clientFor(TlsTestServer server) {
        return IngressClient.builder().trust(seed.root1()).resolveAll(server.endpoint());
    }

    @Nested
    class Requests {

        @Test
        void reachesTheVirtualHostOnTheGatewaysRealPortKeepingHostAndSni() throws Exception {
            try (TlsTestServer server = TlsTestServer.serving(HTTPBIN, seed.httpbin1());
                 IngressClient client = IngressClient.builder().trust(seed.root1())
                         .resolve(HTTPBIN, server.endpoint()).build()) {
                IngressResponse response = client.get("https://httpbin.example.com/anything?x=1");

                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).contains("path=/anything?x=1", "host=httpbin.example.com\n",
                        "sni=httpbin.example.com");
                assertThat(response.tlsVersion()).isEqualTo("TLSv1.3");
                assertThat(response.httpProtocol()).isEqualTo("http/1.1");
                assertThat(response.presentedChain()).containsExactlyElementsOf(seed.httpbin1().chain());
                assertThat(response.request().url()).isEqualTo("https://httpbin.example.com/anything?x=1");
            }
        }

        @Test
        void answersCarryStatusHeadersAndBody() throws Exception {
            try (TlsTestServer server = TlsTestServer.serving(HTTPBIN, seed.httpbin1());
                 IngressClient client = clientFor(server).build()) {
                IngressResponse teapot = client.get(HTTPBIN, "/status/418");

                assertThat(teapot.status()).isEqualTo(418);
                assertThat(teapot.body()).isEqualTo("I'm a teapot!");
                assertThat(teapot.header("x-more-info")).contains("http://tools.ietf.org/html/rfc2324");
                assertThat(teapot.headers()).containsKey("Content-Type");
            }
        }

        @Test
        void mapsAnotherLogicalPortWithoutPuttingAnyPortIntoTheHostHeader() throws Exception {
            try (TlsTestServer server = TlsTestServer.serving(HTTPBIN, seed.httpbin1());
                 IngressClient client = IngressClient.builder().trust(seed.root1())
                         .resolveAll(8443, server.endpoint()).build()) {
                IngressResponse response = client.get("https://httpbin.example.com:8443/echo");

                assertThat(response.body()).contains("host=httpbin.example.com\n");
                assertThat(response.curl().commandLine())
                        .contains("--resolve httpbin.example.com:" + server.endpoint().getPort() + ":127.0.0.1");
                assertThatThrownBy(() -> client.get(HTTPBIN, "/echo"))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("No gateway address for httpbin.example.com:443")
                        .hasMessageContaining("*:8443 -> 127.0.0.1:" + server.endpoint().getPort());
            }
        }

        @Test
        void sendsMethodHeadersAndBody() throws Exception {
            try (TlsTestServer server = TlsTestServer.serving(HTTPBIN, seed.httpbin1());
                 IngressClient client = clientFor(server).build()) {
                IngressResponse response = client.send(IngressRequest.builder("https://httpbin.example.com/post")
                        .header("X-Test", "yes")
                        .method("POST", "ping", "text/plain")
                        .build());

                assertThat(response.body()).contains("method=POST", "body=ping");
            }
        }

        @Test
        void selectsTheCertificateBySni() throws Exception {
            try (TlsTestServer server = TlsTestServer.builder()
                    .serve(HTTPBIN, seed.httpbin1()).serve(HELLOWORLD, seed.helloworld()).start();
                 IngressClient client = clientFor(server).build()) {
                assertThat(client.get(HTTPBIN, "/status/418").serverCertificate())
                        .isEqualTo(seed.httpbin1().certificate());
                assertThat(client.get(HELLOWORLD, "/hello").serverCertificate())
                        .isEqualTo(seed.helloworld().certificate());
                assertThat(client.probe(HELLOWORLD).presentedChain()).first()
                        .isEqualTo(seed.helloworld().certificate());
            }
        }

        @Test
        void offersOnlyTheTlsVersionsAskedFor() throws Exception {
            try (TlsTestServer server = TlsTestServer.serving(HTTPBIN, seed.httpbin1());
                 IngressClient client = clientFor(server).tlsVersions("TLSv1.2").build()) {
                assertThat(client.get(HTTPBIN, "/echo").tlsVersion()).isEqualTo("TLSv1.2");
                assertThat(client.probe(HTTPBIN).tlsVersion()).contains("TLSv1.2");
            }
        }
    }

    @Nested
    class Connections {

        @Test
        void pooledConnectionsKeepTheOldCertificateWhileFreshConnectionsSeeTheRotatedOne() throws Exception {
            try (TlsTestServer server = TlsTestServer.serving(HTTPBIN, seed.httpbin1());
                 IngressClient pooled = clientFor(server).trust(seed.root2()).build();
                 IngressClient fresh = clientFor(server).trust(seed.root2()).freshConnections().build()) {
                assertThat(pooled.get(HTTPBIN, "/echo").serverCertificate()).isEqualTo(seed.httpbin1().certificate());
                assertThat(fresh.get(HTTPBIN, "/echo").serverCertificate()).isEqualTo(seed.httpbin1().certificate());
                int connectionsBeforeRotation = server.connectionsAccepted();

                server.serve(HTTPBIN, seed.httpbin2());

                assertThat(pooled.get(HTTPBIN, "/echo").serverCertificate())
                        .as("a pooled connection still shows the certificate it was opened with")
                        .isEqualTo(seed.httpbin1().certificate());
                assertThat(fresh.get(HTTPBIN, "/echo").serverCertificate())
                        .as("a fresh connection shows the rotated certificate")
                        .isEqualTo(seed.httpbin2().certificate());
                assertThat(fresh.get(HTTPBIN, "/echo").serverCertificate()).isEqualTo(seed.httpbin2().certificate());
                assertThat(server.connectionsAccepted())
                        .as("two new connections, both from the fresh client")
                        .isEqualTo(connectionsBeforeRotation + 2);
            }
        }

        @Test
        void connectionsToTheGatewaySendWithoutNaglesDelayAsCurlDoes() throws Exception {
            // After a TLS 1.3 handshake the request would otherwise wait for the server's delayed ACK.
            GatewayRoutes routes = new GatewayRoutes(Map.of(
                    new GatewayRoutes.Key(GatewayRoutes.ANY_HOST, 443), RudeTcpServer.nothingListening()));
            try (Socket socket = routes.socketFactory().createSocket()) {
                assertThat(socket.getTcpNoDelay()).isTrue();
            }
        }

        @Test
        void connectionRefusedIsClassified() {
            InetSocketAddress nothingListens = RudeTcpServer.nothingListening();
            try (IngressClient client = IngressClient.builder().trust(seed.root1()).resolveAll(nothingListens).build()) {
                IngressRequestException failure = catchThrowableOfType(IngressRequestException.class,
                        () -> client.get(HTTPBIN, "/status/418"));
                assertThat(failure.failure().reason()).isEqualTo(HandshakeFailure.Reason.CONNECTION_REFUSED);
                assertThat(failure).hasMessageContaining("GET https://httpbin.example.com/status/418 via 127.0.0.1:"
                        + nothingListens.getPort() + " failed: connection refused");
                assertThat(failure.getMessage()).contains("reproduce with: curl ");
                assertThat(client.probe(HTTPBIN).failure()).get()
                        .extracting(HandshakeFailure::reason).isEqualTo(HandshakeFailure.Reason.CONNECTION_REFUSED);
            }
        }

        @Test
        void connectionResetIsClassified() throws Exception {
            try (RudeTcpServer server = RudeTcpServer.resettingEveryConnection();
                 IngressClient client = IngressClient.builder().trust(seed.root1())
                         .resolveAll(server.endpoint()).build()) {
                HandshakeResult probe = client.probe(HTTPBIN);
                assertThat(probe.succeeded()).isFalse();
                assertThat(probe.failure().orElseThrow().reason()).isEqualTo(HandshakeFailure.Reason.CONNECTION_RESET);
                IngressRequestException failure = catchThrowableOfType(IngressRequestException.class,
                        () -> client.get(HTTPBIN, "/status/418"));
                assertThat(failure.failure().reason()).isEqualTo(HandshakeFailure.Reason.CONNECTION_RESET);
            }
        }

        @Test
        void aServerThatNeverAnswersTimesOut() throws Exception {
            try (RudeTcpServer server = RudeTcpServer.silent();
                 IngressClient client = IngressClient.builder().trust(seed.root1()).resolveAll(server.endpoint())
                         .readTimeout(Duration.ofMillis(300)).build()) {
                HandshakeResult probe = client.probe(HTTPBIN);
                assertThat(probe.failure().orElseThrow().reason()).isEqualTo(HandshakeFailure.Reason.TIMEOUT);
                IngressRequestException failure = catchThrowableOfType(IngressRequestException.class,
                        () -> client.get(HTTPBIN, "/status/418"));
                assertThat(failure.failure().reason()).isEqualTo(HandshakeFailure.Reason.TIMEOUT);
            }
        }
    }

    @Nested
    class ServerCertificates {

        @Test
        void aServerCertificateFromAnotherCaIsAnUntrustedIssuerAndItsChainIsStillReported() throws Exception {
            CertificateAuthority other = CertificateAuthority.root("O=other Inc.,CN=other.example").build();
            Credential foreign = other.issue().server(HTTPBIN).build();
            try (TlsTestServer server = TlsTestServer.serving(HTTPBIN, foreign);
                 IngressClient client = clientFor(server).build()) {
                HandshakeResult probe = client.probe(HTTPBIN);

                assertThat(probe.succeeded()).isFalse();
                assertThat(probe.failure().orElseThrow().reason()).isEqualTo(HandshakeFailure.Reason.UNTRUSTED_ISSUER);
                assertThat(probe.presentedChain()).containsExactlyElementsOf(foreign.chain());
                assertThat(probe.toString()).contains("untrusted issuer", "issued by O=other Inc.,CN=other.example");
                IngressRequestException failure = catchThrowableOfType(IngressRequestException.class,
                        () -> client.get(HTTPBIN, "/status/418"));
                assertThat(failure.failure().reason()).isEqualTo(HandshakeFailure.Reason.UNTRUSTED_ISSUER);
            }
        }

        @Test
        void theSeedsRotationRootTwoWithTheSameSubjectIsAnUntrustedIssuerForRootOne() throws Exception {
            try (TlsTestServer server = TlsTestServer.serving(HTTPBIN, seed.httpbin2());
                 IngressClient trustsRoot1 = clientFor(server).build();
                 IngressClient trustsRoot2 = trustsRoot1.newBuilder().trustNothingYet().trust(seed.root2()).build()) {
                assertThat(seed.root1().certificate().getSubjectX500Principal())
                        .isEqualTo(seed.root2().certificate().getSubjectX500Principal());

                HandshakeResult refused = trustsRoot1.probe(HTTPBIN);
                assertThat(refused.failure().orElseThrow().reason()).isEqualTo(HandshakeFailure.Reason.UNTRUSTED_ISSUER);
                assertThat(refused.presentedChain()).first().isEqualTo(seed.httpbin2().certificate());
                assertThat(catchThrowableOfType(IngressRequestException.class,
                        () -> trustsRoot1.get(HTTPBIN, "/status/418")).failure().reason())
                        .isEqualTo(HandshakeFailure.Reason.UNTRUSTED_ISSUER);

                assertThat(trustsRoot2.probe(HTTPBIN).succeeded()).isTrue();
                assertThat(trustsRoot2.get(HTTPBIN, "/status/418").status()).isEqualTo(418);
            }
        }

        @Test
        void anExpiredServerCertificateIsClassified() throws Exception {
            Credential expired = seed.root1().issue().server(HTTPBIN)
                    .validity(dev.secureingress.tls.Validity.expired(Duration.ofDays(2))).build();
            try (TlsTestServer server = TlsTestServer.serving(HTTPBIN, expired);
                 IngressClient client = clientFor(server).build()) {
                HandshakeResult probe = client.probe(HTTPBIN);

                assertThat(probe.failure().orElseThrow().reason())
                        .isEqualTo(HandshakeFailure.Reason.CERTIFICATE_EXPIRED);
                assertThat(probe.presentedChain()).first().isEqualTo(expired.certificate());
                assertThat(catchThrowableOfType(IngressRequestException.class,
                        () -> client.get(HTTPBIN, "/status/418")).failure().reason())
                        .isEqualTo(HandshakeFailure.Reason.CERTIFICATE_EXPIRED);
            }
        }

        @Test
        void aCertificateForAnotherHostIsAHostnameMismatch() throws Exception {
            try (TlsTestServer server = TlsTestServer.serving("wrong.example.com", seed.httpbin1());
                 IngressClient client = clientFor(server).build()) {
                HandshakeResult probe = client.probe("wrong.example.com");

                assertThat(probe.failure().orElseThrow().reason()).isEqualTo(HandshakeFailure.Reason.HOSTNAME_MISMATCH);
                assertThat(probe.failure().orElseThrow().detail()).contains("wrong.example.com");
                assertThat(probe.presentedChain()).first().isEqualTo(seed.httpbin1().certificate());
                assertThat(catchThrowableOfType(IngressRequestException.class,
                        () -> client.get("wrong.example.com", "/")).failure().reason())
                        .isEqualTo(HandshakeFailure.Reason.HOSTNAME_MISMATCH);
            }
        }
    }

    @Nested
    class MutualTls {

        TlsTestServer mutualServer(String... protocols) throws Exception {
            return TlsTestServer.builder().serve(HTTPBIN, seed.httpbin1())
                    .requireClientCertificates(seed.root1().certificate())
                    .protocols(protocols.length == 0 ? new String[] {"TLSv1.3", "TLSv1.2"} : protocols)
                    .start();
        }

        @Test
        void aClientCertificateFromTheTrustedRootIsAccepted() throws Exception {
            try (TlsTestServer server = mutualServer();
                 IngressClient client = clientFor(server).clientCertificate(seed.client()).build()) {
                assertThat(client.get(HTTPBIN, "/status/418").status()).isEqualTo(418);
                HandshakeResult probe = client.probe(HTTPBIN);
                assertThat(probe.succeeded()).as(probe.toString()).isTrue();
                assertThat(probe.clientCertificateRequested()).isTrue();
            }
        }

        @Test
        void withoutAClientCertificateTheJdkServerEndsTls13WithBadCertificate() throws Exception {
            // The JDK sends bad_certificate here; OpenSSL and BoringSSL send certificate_required (OpenSslInteropTest).
            try (TlsTestServer server = mutualServer();
                 IngressClient client = clientFor(server).build()) {
                HandshakeResult probe = client.probe(HTTPBIN);
                assertThat(probe.failure().orElseThrow().reason()).isEqualTo(HandshakeFailure.Reason.TLS_ALERT);
                assertThat(probe.failure().orElseThrow().alert()).contains("bad_certificate");
                assertThat(probe.tlsVersion()).contains("TLSv1.3");
                assertThat(probe.presentedChain()).first().isEqualTo(seed.httpbin1().certificate());

                IngressRequestException failure = catchThrowableOfType(IngressRequestException.class,
                        () -> client.get(HTTPBIN, "/status/418"));
                assertThat(failure.failure().reason()).isEqualTo(HandshakeFailure.Reason.TLS_ALERT);
                assertThat(failure.failure().alert()).contains("bad_certificate");
            }
        }

        @Test
        void withoutAClientCertificateTls12EndsInTheHandshake() throws Exception {
            try (TlsTestServer server = mutualServer("TLSv1.2");
                 IngressClient client = clientFor(server).build()) {
                HandshakeResult probe = client.probe(HTTPBIN);
                assertThat(probe.failure().orElseThrow().reason()).isEqualTo(HandshakeFailure.Reason.TLS_ALERT);
                assertThat(probe.failure().orElseThrow().alert()).contains("bad_certificate");
            }
        }

        @Test
        void aClientCertificateFromAnotherRootIsRefused() throws Exception {
            Credential strangerClient = seed.root2().issue().client().subject("CN=client.example.com").build();
            try (TlsTestServer server = mutualServer();
                 IngressClient client = clientFor(server).clientCertificate(strangerClient).build()) {
                HandshakeResult probe = client.probe(HTTPBIN);
                assertThat(probe.failure().orElseThrow().reason()).isEqualTo(HandshakeFailure.Reason.TLS_ALERT);
                assertThat(probe.failure().orElseThrow().alert()).contains("certificate_unknown");
            }
        }
    }

    @Nested
    class Configuration {

        @Test
        void trustsOnlyWhatItIsGiven() {
            assertThatThrownBy(() -> IngressClient.builder().resolveAll(new InetSocketAddress("127.0.0.1", 1)).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("trusts only the CA certificates it is given, and none were given");
        }

        @Test
        void needsToKnowWhereTheGatewayIs() {
            assertThatThrownBy(() -> IngressClient.builder().trust(seed.root1()).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not know where the gateway is");
        }

        @Test
        void rejectsTlsVersionsOlderThan12() {
            assertThatThrownBy(() -> IngressClient.builder().trust(seed.root1())
                    .resolveAll(new InetSocketAddress("127.0.0.1", 1)).tlsVersions("TLSv1.1").build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Unsupported TLS version 'TLSv1.1'");
        }

        @Test
        void refusesUnmappedHostsNamingTheFix() {
            try (IngressClient client = IngressClient.builder().trust(seed.root1())
                    .resolve(HTTPBIN, new InetSocketAddress("127.0.0.2", 31443)).build()) {
                assertThatThrownBy(() -> client.get(HELLOWORLD, "/hello"))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("No gateway address for helloworld.example.com:443")
                        .hasMessageContaining("httpbin.example.com:443 -> 127.0.0.2:31443")
                        .hasMessageContaining("resolve(\"helloworld.example.com\", 443, gatewayEndpoint)");
            }
        }

        @Test
        void rejectsAClientKeyOfAnotherAlgorithm() {
            Credential rsa = seed.root1().issue().client().keyAlgorithm(dev.secureingress.tls.KeyAlgorithm.RSA_2048)
                    .subject("CN=rsa-client").build();
            assertThatThrownBy(() -> IngressClient.builder()
                    .clientCertificate(seed.client().chain(), rsa.privateKey()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not match the client certificate")
                    .hasMessageContaining("CN=client.example.com");
        }

        @Test
        void neverShowsTheClientKey() {
            try (IngressClient client = IngressClient.builder().trust(seed.root1())
                    .resolveAll(new InetSocketAddress("127.0.0.2", 31443)).clientCertificate(seed.client()).build()) {
                String encodedKey = java.util.Base64.getEncoder().encodeToString(seed.client().privateKey().getEncoded());
                assertThat(client.toString()).contains("client certificate", "CN=client.example.com")
                        .doesNotContain(encodedKey.substring(0, 40));
                assertThat(client.curl(IngressRequest.get(HTTPBIN, "/")).commandLine())
                        .doesNotContain("PRIVATE").doesNotContain(encodedKey.substring(0, 40));
            }
        }

        @Test
        void aClosedClientSaysSo() {
            IngressClient client = IngressClient.builder().trust(seed.root1())
                    .resolveAll(new InetSocketAddress("127.0.0.2", 31443)).build();
            client.close();
            assertThatThrownBy(() -> client.get(HTTPBIN, "/"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }
}

package dev.secureingress.client;

import dev.secureingress.tls.SeedPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The client against OpenSSL's TLS server, whose alerts are those of Istio's gateway (BoringSSL). */
class OpenSslInteropTest {

    static SeedPki seed;

    @BeforeAll
    static void requireOpenSsl() {
        assumeTrue(dev.secureingress.cli.Openssl.isAvailable(), "openssl is not on PATH; these interop tests need it");
        seed = SeedPki.generate();
    }

    @Test
    void mutualTlsWithoutAClientCertificateEndsWithTheTls13AlertCertificateRequired(@TempDir Path directory)
            throws Exception {
        try (OpenSslServer server = OpenSslServer.start(directory, seed.httpbin1(), seed.root1().certificate());
             IngressClient client = IngressClient.builder().trust(seed.root1())
                     .resolveAll(server.endpoint()).build()) {
            HandshakeResult probe = client.probe(SeedPki.HTTPBIN_HOST);

            assertThat(probe.clientCertificateRequested()).isTrue();
            assertThat(probe.failure().orElseThrow().reason()).isEqualTo(HandshakeFailure.Reason.TLS_ALERT);
            assertThat(probe.failure().orElseThrow().alert()).contains("certificate_required");
            assertThat(probe.presentedChain()).first().isEqualTo(seed.httpbin1().certificate());

            IngressRequestException failure = catchThrowableOfType(IngressRequestException.class,
                    () -> client.get(SeedPki.HTTPBIN_HOST, "/"));
            assertThat(failure.failure().alert()).contains("certificate_required");
        }
    }

    @Test
    void mutualTlsWithTheClientCertificateSucceeds(@TempDir Path directory) throws Exception {
        try (OpenSslServer server = OpenSslServer.start(directory, seed.httpbin1(), seed.root1().certificate());
             IngressClient client = IngressClient.builder().trust(seed.root1()).resolveAll(server.endpoint())
                     .clientCertificate(seed.client()).build()) {
            HandshakeResult probe = client.probe(SeedPki.HTTPBIN_HOST);
            assertThat(probe.succeeded()).as(probe.toString()).isTrue();

            IngressResponse response = client.get(SeedPki.HTTPBIN_HOST, "/");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.presentedChain()).first().isEqualTo(seed.httpbin1().certificate());
        }
    }

    @Test
    void theRotatedRootIsAnUntrustedIssuer(@TempDir Path directory) throws Exception {
        try (OpenSslServer server = OpenSslServer.start(directory, seed.httpbin2(), null);
             IngressClient client = IngressClient.builder().trust(seed.root1())
                     .resolveAll(server.endpoint()).build()) {
            HandshakeResult probe = client.probe(SeedPki.HTTPBIN_HOST);
            assertThat(probe.failure().orElseThrow().reason()).isEqualTo(HandshakeFailure.Reason.UNTRUSTED_ISSUER);
        }
    }
}

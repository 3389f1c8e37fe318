package dev.secureingress.embedded.dataplane;

import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.KeyAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.UUID;

import static dev.secureingress.embedded.dataplane.Programs.backend;
import static dev.secureingress.embedded.dataplane.Programs.gateway;
import static dev.secureingress.embedded.dataplane.Programs.https;
import static dev.secureingress.embedded.dataplane.Programs.route;
import static dev.secureingress.embedded.dataplane.Programs.rule;
import static dev.secureingress.embedded.dataplane.Programs.serverCertificate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Client certificates under Istio's MUTUAL and OPTIONAL_MUTUAL, and several server certificates per listener. */
class NettyDataPlaneMutualTlsTest {

    private static final CertificateAuthority CA = Programs.rootCa();
    private static final CertificateAuthority FOREIGN = Programs.rootCa();
    private static final Credential CLIENT = CA.issue().client().subject("CN=client.example.com,O=client organization")
            .build();
    private static final Credential FOREIGN_CLIENT = FOREIGN.issue().client().subject("CN=client.example.com").build();
    private static NettyDataPlane dataPlane;
    private static TestBackend backend;

    @BeforeAll
    static void start() {
        dataPlane = NettyDataPlane.create();
        backend = TestBackend.start("httpbin");
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        backend.close();
    }

    private static InetSocketAddress gatewayWith(TlsProgram.TerminateMode mode) {
        TlsProgram tls = new TlsProgram(List.of(serverCertificate(CA, "httpbin.example.com")), mode,
                List.of(CA.certificate()));
        ProgrammedGateway programmed = dataPlane.program(gateway("gw-" + UUID.randomUUID().toString().substring(0, 8),
                https("https", 443, "httpbin.example.com", tls,
                        route("httpbin", List.of(), rule(List.of(), backend(backend))))));
        return new InetSocketAddress(programmed.address(), programmed.boundPorts().get(443));
    }

    @Test
    void mutualAcceptsAClientCertificateFromTheClientCa() throws IOException {
        InetSocketAddress gateway = gatewayWith(TlsProgram.TerminateMode.MUTUAL);

        assertThat(TestClients.handshake(gateway, "httpbin.example.com", CA.certificate(), CLIENT)).isNotEmpty();
    }

    @Test
    void mutualWithoutClientCertificateEndsInCertificateRequiredUnderTls13() {
        InetSocketAddress gateway = gatewayWith(TlsProgram.TerminateMode.MUTUAL);

        assertThatThrownBy(() -> TestClients.handshake(gateway, "httpbin.example.com", CA.certificate(), null,
                parameters -> parameters.setProtocols(new String[]{"TLSv1.3"})))
                .isInstanceOf(SSLException.class)
                .hasMessageContaining("certificate_required");
    }

    @Test
    void mutualRefusesAClientCertificateFromAnotherCa() {
        InetSocketAddress gateway = gatewayWith(TlsProgram.TerminateMode.MUTUAL);

        assertThatThrownBy(() -> TestClients.handshake(gateway, "httpbin.example.com", CA.certificate(),
                FOREIGN_CLIENT)).isInstanceOf(IOException.class);
    }

    @Test
    void optionalMutualAcceptsNoCertificateButRefusesAForeignOne() throws IOException {
        InetSocketAddress gateway = gatewayWith(TlsProgram.TerminateMode.OPTIONAL_MUTUAL);

        assertThat(TestClients.handshake(gateway, "httpbin.example.com", CA.certificate(), null)).isNotEmpty();
        assertThat(TestClients.handshake(gateway, "httpbin.example.com", CA.certificate(), CLIENT)).isNotEmpty();
        assertThatThrownBy(() -> TestClients.handshake(gateway, "httpbin.example.com", CA.certificate(),
                FOREIGN_CLIENT)).isInstanceOf(IOException.class);
    }

    @Test
    void aSwappedClientCaAndARotatedServerCertificateApplyToTheNextHandshake() throws IOException {
        String name = "gw-" + UUID.randomUUID().toString().substring(0, 8);
        TlsProgram.ServerCertificate rotated = serverCertificate(CA, "httpbin.example.com");
        dataPlane.program(gateway(name, https("https", 443, "httpbin.example.com", new TlsProgram(
                List.of(serverCertificate(CA, "httpbin.example.com")), TlsProgram.TerminateMode.MUTUAL,
                List.of(CA.certificate())))));
        ProgrammedGateway programmed = dataPlane.program(gateway(name, https("https", 443, "httpbin.example.com",
                new TlsProgram(List.of(rotated), TlsProgram.TerminateMode.MUTUAL, List.of(FOREIGN.certificate())))));
        InetSocketAddress gateway = new InetSocketAddress(programmed.address(), programmed.boundPorts().get(443));

        assertThat(TestClients.handshake(gateway, "httpbin.example.com", CA.certificate(), FOREIGN_CLIENT).get(0))
                .isEqualTo(rotated.chain().get(0));
        assertThatThrownBy(() -> TestClients.handshake(gateway, "httpbin.example.com", CA.certificate(), CLIENT))
                .as("the client CA swapped out").isInstanceOf(IOException.class);
    }

    @Test
    void mutualWithoutClientCasIsRejectedWhenProgrammed() {
        TlsProgram tls = new TlsProgram(List.of(serverCertificate(CA, "httpbin.example.com")),
                TlsProgram.TerminateMode.MUTUAL, List.of());

        assertThatThrownBy(() -> dataPlane.program(gateway("gw-" + UUID.randomUUID().toString().substring(0, 8),
                https("https-mtls", 443, "httpbin.example.com", tls))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("https-mtls")
                .hasMessageContaining("clientCas");
    }

    @Test
    void choosesTheRsaOrTheEcdsaCertificateByWhatTheClientSupports() throws IOException {
        Credential rsa = CA.issue().server("both.example.com").keyAlgorithm(KeyAlgorithm.RSA_2048).build();
        Credential ecdsa = CA.issue().server("both.example.com").keyAlgorithm(KeyAlgorithm.ECDSA_P256).build();
        TlsProgram tls = new TlsProgram(List.of(TlsProgram.ServerCertificate.of(rsa),
                TlsProgram.ServerCertificate.of(ecdsa)), TlsProgram.TerminateMode.SIMPLE, List.of());
        ProgrammedGateway programmed = dataPlane.program(gateway("gw-" + UUID.randomUUID().toString().substring(0, 8),
                https("https", 443, "both.example.com", tls)));
        InetSocketAddress gateway = new InetSocketAddress(programmed.address(), programmed.boundPorts().get(443));

        X509Certificate forRsaClient = TestClients.handshake(gateway, "both.example.com", CA.certificate(), null,
                parameters -> {
                    parameters.setProtocols(new String[]{"TLSv1.2"});
                    parameters.setCipherSuites(new String[]{"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"});
                }).get(0);
        X509Certificate forEcdsaClient = TestClients.handshake(gateway, "both.example.com", CA.certificate(), null,
                parameters -> {
                    parameters.setProtocols(new String[]{"TLSv1.2"});
                    parameters.setCipherSuites(new String[]{"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"});
                }).get(0);

        assertThat(forRsaClient).isEqualTo(rsa.certificate());
        assertThat(forEcdsaClient).isEqualTo(ecdsa.certificate());
    }
}

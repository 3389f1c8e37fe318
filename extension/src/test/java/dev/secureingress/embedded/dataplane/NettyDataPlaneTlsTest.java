package dev.secureingress.embedded.dataplane;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.KeyAlgorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import static dev.secureingress.embedded.dataplane.Programs.backend;
import static dev.secureingress.embedded.dataplane.Programs.gateway;
import static dev.secureingress.embedded.dataplane.Programs.https;
import static dev.secureingress.embedded.dataplane.Programs.prefix;
import static dev.secureingress.embedded.dataplane.Programs.route;
import static dev.secureingress.embedded.dataplane.Programs.rule;
import static dev.secureingress.embedded.dataplane.Programs.serverCertificate;
import static dev.secureingress.embedded.dataplane.Programs.simple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TLS termination by SNI: which certificate is served, what is refused, and how reprogramming applies. */
class NettyDataPlaneTlsTest {

    private static final CertificateAuthority CA = Programs.rootCa();
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

    private static String uniqueName() {
        return "gw-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static InetSocketAddress endpoint(ProgrammedGateway programmed, int port) {
        return new InetSocketAddress(programmed.address(), programmed.boundPorts().get(port));
    }

    @Test
    void servesTheCertificateOfTheListenerTheSniSelects() throws IOException {
        TlsProgram.ServerCertificate httpbin = serverCertificate(CA, "httpbin.example.com");
        TlsProgram.ServerCertificate helloworld = serverCertificate(CA, "helloworld.example.com");
        TlsProgram.ServerCertificate wildcard = serverCertificate(CA, "*.example.com");
        ProgrammedGateway programmed = dataPlane.program(gateway(uniqueName(),
                https("https-httpbin", 443, "httpbin.example.com", simple(httpbin)),
                https("https-helloworld", 443, "helloworld.example.com", simple(helloworld)),
                https("https-wildcard", 443, "*.example.com", simple(wildcard))));
        InetSocketAddress gateway = endpoint(programmed, 443);

        assertThat(TestClients.handshake(gateway, "httpbin.example.com", CA.certificate(), null).get(0))
                .isEqualTo(httpbin.chain().get(0));
        assertThat(TestClients.handshake(gateway, "helloworld.example.com", CA.certificate(), null).get(0))
                .isEqualTo(helloworld.chain().get(0));
        assertThat(TestClients.handshake(gateway, "a.b.example.com", CA.certificate(), null).get(0))
                .as("a wildcard matches more than one label").isEqualTo(wildcard.chain().get(0));
    }

    @Test
    void refusesAnSniNoListenerAccepts() {
        ProgrammedGateway programmed = dataPlane.program(gateway(uniqueName(),
                https("https", 443, "*.example.com", simple(serverCertificate(CA, "*.example.com")))));
        InetSocketAddress gateway = endpoint(programmed, 443);

        assertThatThrownBy(() -> TestClients.handshake(gateway, "example.com", CA.certificate(), null))
                .as("*.example.com does not match example.com").isInstanceOf(IOException.class);
        assertThatThrownBy(() -> TestClients.handshake(gateway, "other.org", CA.certificate(), null))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> TestClients.handshake(gateway, null, CA.certificate(), null))
                .as("no SNI is accepted only by a listener without hostname").isInstanceOf(IOException.class);
    }

    @Test
    void aListenerWithoutHostnameAcceptsAnySniAndNone() throws IOException {
        TlsProgram.ServerCertificate any = serverCertificate(CA, "any.example.com");
        ProgrammedGateway programmed = dataPlane.program(gateway(uniqueName(),
                https("https", 443, null, simple(any))));
        InetSocketAddress gateway = endpoint(programmed, 443);

        assertThat(TestClients.handshake(gateway, null, CA.certificate(), null).get(0)).isEqualTo(any.chain().get(0));
        assertThat(TestClients.handshake(gateway, "other.org", CA.certificate(), null).get(0))
                .isEqualTo(any.chain().get(0));
    }

    @Test
    void reprogrammedCertificateReachesTheNextHandshakeWhileOpenConnectionsKeepTheirs() throws IOException {
        String name = uniqueName();
        CertificateAuthority secondRoot = Programs.rootCa();
        TlsProgram.ServerCertificate first = serverCertificate(CA, "httpbin.example.com");
        TlsProgram.ServerCertificate second = serverCertificate(secondRoot, "httpbin.example.com");
        ProgrammedGateway programmed = dataPlane.program(gateway(name, https("https", 443, "httpbin.example.com",
                simple(first), route("httpbin", List.of("httpbin.example.com"), rule(List.of(prefix("/")),
                        backend(backend))))));
        InetSocketAddress gateway = endpoint(programmed, 443);
        OkHttpClient pooled = TestClients.https(gateway, CA.certificate(), null, false);
        String url = "https://httpbin.example.com:" + gateway.getPort() + "/status/418";
        try (Response before = pooled.newCall(new Request.Builder().url(url).build()).execute()) {
            assertThat(before.code()).isEqualTo(418);
        }

        ProgrammedGateway reprogrammed = dataPlane.program(gateway(name, https("https", 443, "httpbin.example.com",
                simple(second), route("httpbin", List.of("httpbin.example.com"), rule(List.of(prefix("/")),
                        backend(backend))))));

        assertThat(reprogrammed).isEqualTo(programmed);
        assertThat(TestClients.handshake(gateway, "httpbin.example.com", secondRoot.certificate(), null).get(0))
                .isEqualTo(second.chain().get(0));
        assertThatThrownBy(() -> TestClients.handshake(gateway, "httpbin.example.com", CA.certificate(), null))
                .as("the old root no longer verifies the served certificate").isInstanceOf(IOException.class);
        try (Response after = pooled.newCall(new Request.Builder().url(url).build()).execute()) {
            assertThat(after.code()).as("the pooled connection still works").isEqualTo(418);
            assertThat((X509Certificate) after.handshake().peerCertificates().get(0))
                    .as("and keeps the certificate it was opened with").isEqualTo(first.chain().get(0));
        }
    }

    @Test
    void aSessionFromBeforeARotationIsNotResumed() throws IOException {
        String name = uniqueName();
        TlsProgram.ServerCertificate first = serverCertificate(CA, "resume.example.com");
        TlsProgram.ServerCertificate second = serverCertificate(CA, "resume.example.com");
        InetSocketAddress gateway = endpoint(dataPlane.program(gateway(name,
                https("https", 443, "resume.example.com", simple(first)))), 443);
        for (String version : List.of("TLSv1.3", "TLSv1.2")) {
            dataPlane.program(gateway(name, https("https", 443, "resume.example.com", simple(first))));
            SSLContext client = TestClients.sslContext(CA.certificate(), null);
            Consumer<SSLParameters> only = parameters -> parameters.setProtocols(new String[]{version});
            assertThat(TestClients.handshake(gateway, "resume.example.com", client, only).get(0))
                    .isEqualTo(first.chain().get(0));

            dataPlane.program(gateway(name, https("https", 443, "resume.example.com", simple(second))));

            assertThat(TestClients.handshake(gateway, "resume.example.com", client, only).get(0))
                    .as("a client offering its " + version + " session gets the new certificate")
                    .isEqualTo(second.chain().get(0));
        }
    }

    @Test
    void aRotationToAnotherKeyAlgorithmIsServedOverTls13AndTls12() throws IOException {
        String name = uniqueName();
        TlsProgram.ServerCertificate ecdsa = TlsProgram.ServerCertificate.of(
                CA.issue().server("keys.example.com").keyAlgorithm(KeyAlgorithm.ECDSA_P256).build());
        TlsProgram.ServerCertificate rsa = TlsProgram.ServerCertificate.of(
                CA.issue().server("keys.example.com").keyAlgorithm(KeyAlgorithm.RSA_2048).build());
        InetSocketAddress gateway = endpoint(dataPlane.program(gateway(name,
                https("https", 443, "keys.example.com", simple(ecdsa)))), 443);
        assertThat(servedOverTls13AndTls12(gateway, "keys.example.com")).containsOnly(ecdsa.chain().get(0));

        dataPlane.program(gateway(name, https("https", 443, "keys.example.com", simple(rsa))));

        assertThat(servedOverTls13AndTls12(gateway, "keys.example.com")).containsOnly(rsa.chain().get(0));
    }

    private static List<X509Certificate> servedOverTls13AndTls12(InetSocketAddress gateway, String sni)
            throws IOException {
        List<X509Certificate> served = new ArrayList<>();
        for (String version : List.of("TLSv1.3", "TLSv1.2")) {
            served.add(TestClients.handshake(gateway, sni, CA.certificate(), null,
                    parameters -> parameters.setProtocols(new String[]{version})).get(0));
        }
        return served;
    }

    @Test
    void aListenerLeftOutOfTheProgramIsRefused() throws IOException {
        String name = uniqueName();
        ListenerProgram httpbin = https("https-httpbin", 443, "httpbin.example.com",
                simple(serverCertificate(CA, "httpbin.example.com")));
        ListenerProgram helloworld = https("https-helloworld", 443, "helloworld.example.com",
                simple(serverCertificate(CA, "helloworld.example.com")));
        ProgrammedGateway programmed = dataPlane.program(gateway(name, httpbin, helloworld));
        InetSocketAddress gateway = endpoint(programmed, 443);
        assertThat(TestClients.handshake(gateway, "helloworld.example.com", CA.certificate(), null)).isNotEmpty();

        dataPlane.program(gateway(name, httpbin));

        assertThatThrownBy(() -> TestClients.handshake(gateway, "helloworld.example.com", CA.certificate(), null))
                .isInstanceOf(IOException.class);
        assertThat(TestClients.handshake(gateway, "httpbin.example.com", CA.certificate(), null)).isNotEmpty();
    }
}

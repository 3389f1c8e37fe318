package dev.secureingress.embedded.dataplane;

import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import dev.secureingress.tls.CertificateAuthority;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static dev.secureingress.embedded.dataplane.Programs.backend;
import static dev.secureingress.embedded.dataplane.Programs.exact;
import static dev.secureingress.embedded.dataplane.Programs.gateway;
import static dev.secureingress.embedded.dataplane.Programs.http;
import static dev.secureingress.embedded.dataplane.Programs.https;
import static dev.secureingress.embedded.dataplane.Programs.prefix;
import static dev.secureingress.embedded.dataplane.Programs.route;
import static dev.secureingress.embedded.dataplane.Programs.rule;
import static dev.secureingress.embedded.dataplane.Programs.serverCertificate;
import static dev.secureingress.embedded.dataplane.Programs.simple;
import static dev.secureingress.embedded.dataplane.Programs.unresolved;
import static org.assertj.core.api.Assertions.assertThat;

/** Requests through the data plane to real backends: routing outcomes, proxying, both HTTP versions. */
class NettyDataPlaneRoutingTest {

    private static final CertificateAuthority CA = Programs.rootCa();
    private static NettyDataPlane dataPlane;
    private static TestBackend httpbin;
    private static TestBackend helloworld;

    @BeforeAll
    static void start() {
        dataPlane = NettyDataPlane.create();
        httpbin = TestBackend.start("httpbin");
        helloworld = TestBackend.start("helloworld");
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        httpbin.close();
        helloworld.close();
    }

    /** The seed's two-host Gateway: httpbin by PathPrefix /status and /delay, helloworld by Exact /hello. */
    private static InetSocketAddress seedGateway() {
        ProgrammedGateway programmed = dataPlane.program(gateway("gw-" + UUID.randomUUID().toString().substring(0, 8),
                https("https-httpbin", 443, "httpbin.example.com", simple(serverCertificate(CA, "httpbin.example.com")),
                        route("httpbin", List.of("httpbin.example.com"),
                                rule(List.of(prefix("/status"), prefix("/delay")), backend(httpbin)))),
                https("https-helloworld", 443, "helloworld.example.com", simple(serverCertificate(CA, "helloworld.example.com")),
                        route("helloworld", List.of("helloworld.example.com"),
                                rule(List.of(exact("/hello")), backend(helloworld))))));
        return new InetSocketAddress(programmed.address(), programmed.boundPorts().get(443));
    }

    private static Response get(OkHttpClient client, InetSocketAddress gateway, String host, String path)
            throws IOException {
        return client.newCall(new Request.Builder().url("https://" + host + ":" + gateway.getPort() + path).build())
                .execute();
    }

    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"HTTP_1_1", "HTTP_2"})
    void routesEachHostToItsBackendOverBothHttpVersions(Protocol protocol) throws IOException {
        InetSocketAddress gateway = seedGateway();
        OkHttpClient client = TestClients.https(gateway, CA.certificate(), null, false,
                protocol == Protocol.HTTP_2 ? new Protocol[]{Protocol.HTTP_2, Protocol.HTTP_1_1}
                        : new Protocol[]{Protocol.HTTP_1_1});

        try (Response teapot = get(client, gateway, "httpbin.example.com", "/status/418")) {
            assertThat(teapot.protocol()).isEqualTo(protocol);
            assertThat(teapot.code()).isEqualTo(418);
            assertThat(teapot.header("x-backend")).isEqualTo("httpbin");
        }
        try (Response hello = get(client, gateway, "helloworld.example.com", "/hello")) {
            assertThat(hello.code()).isEqualTo(200);
            assertThat(hello.header("x-backend")).isEqualTo("helloworld");
        }
    }

    @Test
    void answers404WhenNoRuleMatches() throws IOException {
        InetSocketAddress gateway = seedGateway();
        OkHttpClient client = TestClients.https(gateway, CA.certificate(), null, false);

        try (Response response = get(client, gateway, "helloworld.example.com", "/hello/world")) {
            assertThat(response.code()).as("Exact /hello does not match /hello/world").isEqualTo(404);
        }
        try (Response response = get(client, gateway, "httpbin.example.com", "/statusx")) {
            assertThat(response.code()).as("PathPrefix matches whole path elements").isEqualTo(404);
        }
        try (Response response = get(client, gateway, "httpbin.example.com", "/get")) {
            assertThat(response.code()).isEqualTo(404);
            assertThat(response.body().string()).as("Envoy's no-route reply has no body").isEmpty();
            assertThat(response.header("server")).isEqualTo("istio-envoy");
            assertThat(response.header("date")).isNotBlank();
        }
    }

    @Test
    void proxiesWithForwardingHeadersAndTheOriginalHost() throws IOException {
        InetSocketAddress gateway = seedGateway();
        OkHttpClient client = TestClients.https(gateway, CA.certificate(), null, false);

        try (Response response = client.newCall(new Request.Builder()
                .url("https://httpbin.example.com:" + gateway.getPort() + "/status/200?a=1&b=2")
                .header("x-forwarded-for", "203.0.113.7")
                .header("x-custom", "kept")
                .build()).execute()) {
            String echo = response.body().string();
            assertThat(echo).startsWith("httpbin GET /status/200?a=1&b=2\n");
            assertThat(echo).contains("x-forwarded-for: 203.0.113.7, 127.0.0.1\n", "x-forwarded-proto: https\n",
                    "x-custom: kept\n", "host: httpbin.example.com:" + gateway.getPort() + "\n",
                    "x-envoy-attempt-count: 1\n");
            assertThat(echo).containsPattern("x-request-id: [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n");
            assertThat(response.header("server")).as("Envoy overwrites the backend's").isEqualTo("istio-envoy");
            assertThat(response.header("x-envoy-upstream-service-time")).matches("[0-9]+");
        }
        try (Response response = client.newCall(new Request.Builder()
                .url("https://httpbin.example.com:" + gateway.getPort() + "/status/200")
                .header("x-request-id", "given-by-the-client")
                .build()).execute()) {
            assertThat(response.body().string()).contains("x-request-id: given-by-the-client\n");
        }
    }

    @Test
    void streamsLargeBodiesBothWays() throws IOException {
        InetSocketAddress gateway = seedGateway();
        ProgrammedGateway programmed = dataPlane.program(gateway("gw-echo-" + UUID.randomUUID().toString().substring(0, 8),
                https("https", 443, "echo.example.com", simple(serverCertificate(CA, "echo.example.com")),
                        route("echo", List.of(), rule(List.of(prefix("/echo")), backend(httpbin))))));
        InetSocketAddress echo = new InetSocketAddress(programmed.address(), programmed.boundPorts().get(443));
        byte[] body = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(body);

        for (Protocol protocol : List.of(Protocol.HTTP_1_1, Protocol.HTTP_2)) {
            OkHttpClient client = TestClients.https(echo, CA.certificate(), null, false,
                    protocol == Protocol.HTTP_2 ? new Protocol[]{Protocol.HTTP_2, Protocol.HTTP_1_1}
                            : new Protocol[]{Protocol.HTTP_1_1});
            try (Response response = client.newCall(new Request.Builder()
                    .url("https://echo.example.com:" + echo.getPort() + "/echo")
                    .post(RequestBody.create(body, MediaType.get("application/octet-stream")))
                    .build()).execute()) {
                assertThat(response.protocol()).isEqualTo(protocol);
                assertThat(response.code()).isEqualTo(200);
                assertThat(response.body().bytes()).as("echoed over " + protocol).isEqualTo(body);
            }
        }
    }

    @Test
    void answers421WhenTheHostBelongsToAnotherListenerThanTheSni() throws IOException {
        InetSocketAddress gateway = seedGateway();
        OkHttpClient client = TestClients.https(gateway, CA.certificate(), null, false);

        try (Response response = client.newCall(new Request.Builder()
                .url("https://httpbin.example.com:" + gateway.getPort() + "/hello")
                .header("Host", "helloworld.example.com")
                .build()).execute()) {
            assertThat(response.code()).isEqualTo(421);
        }
        try (Response response = client.newCall(new Request.Builder()
                .url("https://httpbin.example.com:" + gateway.getPort() + "/status/200")
                .header("Host", "unknown.example.org")
                .build()).execute()) {
            assertThat(response.code()).as("a host no listener accepts is not misdirected, it has no route")
                    .isEqualTo(404);
        }
    }

    @Test
    void answers500ForUnresolvedBackendsAndRulesWithoutBackendsAnd503WithoutEndpoints() throws IOException {
        ProgrammedGateway programmed = dataPlane.program(gateway("gw-" + UUID.randomUUID().toString().substring(0, 8),
                https("https", 443, "*.example.com", simple(serverCertificate(CA, "*.example.com")),
                        route("broken", List.of(),
                                rule(List.of(prefix("/missing")), unresolved("default/missing:80", "BackendNotFound")),
                                rule(List.of(prefix("/none"))),
                                rule(List.of(prefix("/empty")), Programs.backend("default/empty:80", List.of())),
                                rule(List.of(prefix("/zero")), backend(httpbin, 0))))));
        InetSocketAddress gateway = new InetSocketAddress(programmed.address(), programmed.boundPorts().get(443));
        OkHttpClient client = TestClients.https(gateway, CA.certificate(), null, false);

        try (Response response = get(client, gateway, "a.example.com", "/missing")) {
            assertThat(response.code()).isEqualTo(500);
            assertThat(response.body().string()).as("Envoy's direct 500 has no body").isEmpty();
        }
        try (Response response = get(client, gateway, "a.example.com", "/none")) {
            assertThat(response.code()).isEqualTo(500);
        }
        try (Response response = get(client, gateway, "a.example.com", "/zero")) {
            assertThat(response.code()).as("all weights 0").isEqualTo(500);
        }
        try (Response response = get(client, gateway, "a.example.com", "/empty")) {
            assertThat(response.code()).isEqualTo(503);
            assertThat(response.body().string()).isEqualTo("no healthy upstream");
        }
    }

    @Test
    void answers503WhenTheEndpointRefusesConnections() throws IOException {
        InetSocketAddress closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
        }
        ProgrammedGateway programmed = dataPlane.program(gateway("gw-" + UUID.randomUUID().toString().substring(0, 8),
                https("https", 443, "down.example.com", simple(serverCertificate(CA, "down.example.com")),
                        route("down", List.of(), rule(List.of(), Programs.backend("default/down:80",
                                List.of(closedPort)))))));
        InetSocketAddress gateway = new InetSocketAddress(programmed.address(), programmed.boundPorts().get(443));
        OkHttpClient client = TestClients.https(gateway, CA.certificate(), null, false);

        try (Response response = get(client, gateway, "down.example.com", "/")) {
            assertThat(response.code()).isEqualTo(503);
            assertThat(response.body().string()).isEqualTo(
                    "upstream connect error or disconnect/reset before headers. reset reason: connection failure");
            assertThat(response.header("server")).isEqualTo("istio-envoy");
        }
    }

    @Test
    void servesHttpListenersByHostWithForwardedProtoHttp() throws IOException {
        ProgrammedGateway programmed = dataPlane.program(gateway("gw-" + UUID.randomUUID().toString().substring(0, 8),
                http("http-httpbin", 80, "httpbin.example.com",
                        route("httpbin", List.of(), rule(List.of(), backend(httpbin)))),
                http("http-helloworld", 80, "helloworld.example.com",
                        route("helloworld", List.of(), rule(List.of(), backend(helloworld))))));
        InetSocketAddress gateway = new InetSocketAddress(programmed.address(), programmed.boundPorts().get(80));
        OkHttpClient client = TestClients.http(gateway);

        try (Response response = client.newCall(new Request.Builder()
                .url("http://helloworld.example.com:" + gateway.getPort() + "/anything").build()).execute()) {
            assertThat(response.header("x-backend")).isEqualTo("helloworld");
            assertThat(response.body().string()).contains("x-forwarded-proto: http\n");
        }
        try (Response response = client.newCall(new Request.Builder()
                .url("http://other.example.com:" + gateway.getPort() + "/").build()).execute()) {
            assertThat(response.code()).isEqualTo(404);
        }
    }
}

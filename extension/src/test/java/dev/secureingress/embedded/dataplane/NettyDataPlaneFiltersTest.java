package dev.secureingress.embedded.dataplane;

import dev.secureingress.tls.CertificateAuthority;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilterBuilder;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.secureingress.embedded.dataplane.Programs.backend;
import static dev.secureingress.embedded.dataplane.Programs.gateway;
import static dev.secureingress.embedded.dataplane.Programs.https;
import static dev.secureingress.embedded.dataplane.Programs.prefix;
import static dev.secureingress.embedded.dataplane.Programs.route;
import static dev.secureingress.embedded.dataplane.Programs.serverCertificate;
import static dev.secureingress.embedded.dataplane.Programs.simple;
import static org.assertj.core.api.Assertions.assertThat;

/** Filters, weights and request timeouts, end to end through the data plane to real backends. */
class NettyDataPlaneFiltersTest {

    private static final CertificateAuthority CA = Programs.rootCa();
    private static NettyDataPlane dataPlane;
    private static TestBackend v1;
    private static TestBackend v2;

    @BeforeAll
    static void start() {
        dataPlane = NettyDataPlane.create();
        v1 = TestBackend.start("v1");
        v2 = TestBackend.start("v2");
    }

    @AfterAll
    static void stop() {
        dataPlane.close();
        v1.close();
        v2.close();
    }

    /** A gateway with one HTTPS listener for *.example.com and the given rules; returns a client and its base. */
    private static Target serve(RouteProgram.Rule... rules) {
        ProgrammedGateway programmed = dataPlane.program(gateway("gw-" + UUID.randomUUID().toString().substring(0, 8),
                https("https", 443, "*.example.com", simple(serverCertificate(CA, "*.example.com")),
                        route("filters", List.of(), rules))));
        InetSocketAddress gateway = new InetSocketAddress(programmed.address(), programmed.boundPorts().get(443));
        OkHttpClient client = TestClients.https(gateway, CA.certificate(), null, false).newBuilder()
                .followRedirects(false).build();
        return new Target(client, "https://app.example.com:" + gateway.getPort());
    }

    private record Target(OkHttpClient client, String base) {
        Response get(String path, String... headers) throws IOException {
            Request.Builder request = new Request.Builder().url(base + path);
            for (int i = 0; i < headers.length; i += 2) {
                request.addHeader(headers[i], headers[i + 1]);
            }
            return client.newCall(request.build()).execute();
        }
    }

    private static RouteProgram.Rule rule(List<HTTPRouteFilter> filters, RouteProgram.Backend... backends) {
        return new RouteProgram.Rule(List.of(prefix("/")), filters, List.of(backends), null);
    }

    @Test
    void requestHeaderModifierChangesWhatTheBackendReceives() throws IOException {
        Target target = serve(rule(List.of(new HTTPRouteFilterBuilder().withType("RequestHeaderModifier")
                .withNewRequestHeaderModifier().addNewSet().withName("x-set").withValue("set").endSet()
                .addNewAdd().withName("x-add").withValue("added").endAdd().withRemove("x-remove")
                .endRequestHeaderModifier().build()), backend(v1)));

        try (Response response = target.get("/", "x-set", "original", "x-add", "first", "x-remove", "gone")) {
            String echo = response.body().string();
            assertThat(echo).contains("x-set: set\n", "x-add: first\n", "x-add: added\n")
                    .doesNotContain("x-set: original", "x-remove");
        }
    }

    @Test
    void responseHeaderModifierChangesWhatTheClientReceives() throws IOException {
        Target target = serve(rule(List.of(new HTTPRouteFilterBuilder().withType("ResponseHeaderModifier")
                .withNewResponseHeaderModifier().addNewSet().withName("x-backend").withValue("hidden").endSet()
                .addNewAdd().withName("x-extra").withValue("1").endAdd().withRemove("content-type")
                .endResponseHeaderModifier().build()), backend(v1)));

        try (Response response = target.get("/")) {
            assertThat(response.header("x-backend")).isEqualTo("hidden");
            assertThat(response.header("x-extra")).isEqualTo("1");
            assertThat(response.header("content-type")).isNull();
        }
    }

    @Test
    void requestRedirectAnswersWithoutABackend() throws IOException {
        Target target = serve(new RouteProgram.Rule(List.of(prefix("/old")), List.of(new HTTPRouteFilterBuilder()
                .withType("RequestRedirect").withNewRequestRedirect().withHostname("new.example.com")
                .withStatusCode(301).withNewPath().withType("ReplacePrefixMatch").withReplacePrefixMatch("/new")
                .endPath().endRequestRedirect().build()), List.of(), null));

        try (Response response = target.get("/old/page?x=1")) {
            assertThat(response.code()).isEqualTo(301);
            assertThat(response.header("location")).isEqualTo("https://new.example.com/new/page?x=1");
        }
    }

    @Test
    void urlRewriteChangesThePathAndHostTheBackendSees() throws IOException {
        Target target = serve(new RouteProgram.Rule(List.of(prefix("/api")), List.of(new HTTPRouteFilterBuilder()
                .withType("URLRewrite").withNewUrlRewrite().withHostname("internal.example.com").withNewPath()
                .withType("ReplacePrefixMatch").withReplacePrefixMatch("/v2").endPath().endUrlRewrite().build()),
                List.of(backend(v1)), null));

        try (Response response = target.get("/api/items?q=1")) {
            String echo = response.body().string();
            assertThat(echo).startsWith("v1 GET /v2/items?q=1\n").contains("host: internal.example.com\n");
        }
    }

    @Test
    void weightedBackendsShareTheRequestsAndWeightZeroGetsNone() throws IOException {
        Target both = serve(rule(List.of(), backend(v1, 1), backend(v2, 1)));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            try (Response response = both.get("/")) {
                seen.add(response.header("x-backend"));
            }
        }
        assertThat(seen).containsExactlyInAnyOrder("v1", "v2");

        Target onlyV2 = serve(rule(List.of(), backend(v1, 0), backend(v2, 5)));
        for (int i = 0; i < 20; i++) {
            try (Response response = onlyV2.get("/")) {
                assertThat(response.header("x-backend")).isEqualTo("v2");
            }
        }
    }

    @Test
    void backendRefFiltersApplyToTheirBackendOnly() throws IOException {
        RouteProgram.Backend tagged = new RouteProgram.Backend("default/v1:80", 1, List.of(v1.address()), null,
                List.of(new HTTPRouteFilterBuilder().withType("RequestHeaderModifier").withNewRequestHeaderModifier()
                        .addNewSet().withName("x-via").withValue("backend-filter").endSet()
                        .endRequestHeaderModifier().build()));
        Target target = serve(rule(List.of(), tagged));

        try (Response response = target.get("/")) {
            assertThat(response.body().string()).contains("x-via: backend-filter\n");
        }
    }

    @Test
    void requestTimeoutAnswers504WhenTheBackendIsTooSlow() throws IOException {
        Target target = serve(new RouteProgram.Rule(List.of(prefix("/")), List.of(), List.of(backend(v1)),
                Duration.ofSeconds(4)));

        try (Response response = target.get("/hang")) {
            assertThat(response.code()).isEqualTo(504);
            assertThat(response.body().string()).isEqualTo("upstream request timeout");
        }
        try (Response response = target.get("/status/200")) {
            assertThat(response.code()).as("a backend answering in time is unaffected").isEqualTo(200);
        }
    }
}

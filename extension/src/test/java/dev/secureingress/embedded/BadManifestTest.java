package dev.secureingress.embedded;

import dev.secureingress.embedded.api.ApiServerForClass;
import dev.secureingress.tls.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad manifests get the answers a real API server (and kubectl in front of it) gives: through kubectl, and
 * as raw API requests (what fabric8 and other clients see).
 */
class BadManifestTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();
    private static HttpClient http;
    private static Path work;

    @BeforeAll
    static void start(@TempDir Path directory) throws Exception {
        work = directory;
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("api-ca", Pem.readCertificates(api.server().caCertificatePem()).get(0));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void kubectlRejectsAnUnknownKind() {
        CommandRun.Result result = kubectl().runWithInput("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gatewayy
                metadata:
                  name: typo
                """, "apply", "-f", "-");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains("no matches for kind \"Gatewayy\" in version \"gateway.networking.k8s.io/v1\"");
    }

    @Test
    void kubectlRejectsAWrongApiVersion() {
        CommandRun.Result result = kubectl().runWithInput("""
                apiVersion: gateway.networking.k8s.io/v9
                kind: Gateway
                metadata:
                  name: future
                """, "apply", "-f", "-");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains("no matches for kind \"Gateway\" in version \"gateway.networking.k8s.io/v9\"");
    }

    @Test
    void kubectlRejectsInvalidYaml() {
        CommandRun.Result result = kubectl().runWithInput("apiVersion: v1\nkind: ConfigMap\nmetadata: [name: x\n",
                "apply", "-f", "-");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains("error converting YAML to JSON");
    }

    @Test
    void kubectlRejectsAManifestWithoutName() {
        CommandRun.Result result = kubectl().runWithInput("apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n",
                "create", "-f", "-");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains("ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required");
    }

    @Test
    void apiAnswersAMissingNameWith422() throws Exception {
        HttpResponse<String> response = post("/api/v1/namespaces/default/configmaps",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{}}");
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).contains("\"reason\":\"Invalid\"",
                "ConfigMap \\\"\\\" is invalid: metadata.name: Required value: name or generateName is required");
    }

    @Test
    void apiAnswersAnInvalidNameWith422() throws Exception {
        HttpResponse<String> response = post("/apis/gateway.networking.k8s.io/v1/namespaces/default/gateways",
                "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\",\"metadata\":{\"name\":\"My_Gateway\"}}");
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).contains("Gateway.gateway.networking.k8s.io \\\"My_Gateway\\\" is invalid",
                "a lowercase RFC 1123 subdomain");
    }

    @Test
    void apiAnswersInvalidJsonWith400() throws Exception {
        HttpResponse<String> response = post("/api/v1/namespaces/default/configmaps", "{not json");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"reason\":\"BadRequest\"");
    }

    @Test
    void apiAnswersAWrongApiVersionWith400() throws Exception {
        HttpResponse<String> response = post("/apis/apps/v1/namespaces/default/deployments",
                "{\"apiVersion\":\"apps/v1beta1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"old\"}}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains(
                "the API version in the data (apps/v1beta1) does not match the expected API version (apps/v1)");
    }

    @Test
    void apiAnswersAnUnknownResourceWith404() throws Exception {
        HttpResponse<String> response = post("/apis/gateway.networking.k8s.io/v1/namespaces/default/gatewayys",
                "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gatewayy\",\"metadata\":{\"name\":\"x\"}}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("the server could not find the requested resource");
    }

    @Test
    void apiAnswersAMissingNamespaceWith404() throws Exception {
        HttpResponse<String> response = post("/api/v1/namespaces/nowhere/configmaps",
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("namespaces \\\"nowhere\\\" not found");
    }

    @Test
    void apiNamesTheMissingObject() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(api.server().url()
                        + "/apis/gateway.networking.k8s.io/v1/namespaces/default/gateways/absent")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("gateways.gateway.networking.k8s.io \\\"absent\\\" not found");
    }

    private static HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api.server().url() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Kubectl kubectl() {
        Kubectl.assumeInstalled();
        return new Kubectl(api.server().writeKubeconfig(work.resolve("kubeconfig")), work);
    }
}

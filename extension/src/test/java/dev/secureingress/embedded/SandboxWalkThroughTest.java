package dev.secureingress.embedded;

import dev.secureingress.cli.Openssl;
import dev.secureingress.cli.SeedOpensslSteps;
import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.fixtures.Fixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user's walk-through (the seed notes, then the mutual TLS section of the same Istio task) typed into a
 * shell against the sandbox: openssl makes the certificates, kubectl creates the secrets and applies the
 * Gateway and HTTPRoutes, curl sends the requests. Each step is the seed's command line, run by bash after
 * sourcing the sandbox's {@code ingress.env}. Skipped where bash, kubectl, curl or openssl is missing.
 *
 * <p>The steps build on each other and run in order. Where Istio applies a change within seconds, the step
 * repeats its curl until the expected answer comes (bounded), as a user would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxWalkThroughTest {

    private static final Duration PROPAGATION = Duration.ofSeconds(60);

    private static final String TEAPOT = "I'm a teapot!";

    private static final String CURL_HTTPBIN_ROOT1 = """
            curl -v -HHost:httpbin.example.com --resolve "httpbin.example.com:$SECURE_INGRESS_PORT:$INGRESS_HOST" \\
              --cacert example_certs1/example.com.crt "https://httpbin.example.com:$SECURE_INGRESS_PORT/status/418"
            """;

    private static final String CURL_HTTPBIN_ROOT2 = """
            curl -v -HHost:httpbin.example.com --resolve "httpbin.example.com:$SECURE_INGRESS_PORT:$INGRESS_HOST" \\
              --cacert example_certs2/example.com.crt "https://httpbin.example.com:$SECURE_INGRESS_PORT/status/418"
            """;

    private static final String CURL_HELLOWORLD = """
            curl -v -HHost:helloworld.example.com --resolve "helloworld.example.com:$SECURE_INGRESS_PORT:$INGRESS_HOST" \\
              --cacert example_certs1/example.com.crt "https://helloworld.example.com:$SECURE_INGRESS_PORT/hello"
            """;

    private static final String CURL_HTTPBIN_CLIENT_CERTIFICATE = """
            curl -v -HHost:httpbin.example.com --resolve "httpbin.example.com:$SECURE_INGRESS_PORT:$INGRESS_HOST" \\
              --cacert example_certs1/example.com.crt --cert example_certs1/client.example.com.crt \\
              --key example_certs1/client.example.com.key \\
              "https://httpbin.example.com:$SECURE_INGRESS_PORT/status/418"
            """;

    private static Sandbox sandbox;
    private static Path work;
    /** The shell's environment besides what {@code ingress.env} sets: HOME, INGRESS_HOST, SECURE_INGRESS_PORT. */
    private static final Map<String, String> environment = new HashMap<>();

    @BeforeAll
    static void startSandboxAndMakeCertificates(@TempDir Path directory) {
        CommandRun.assumeInstalled("bash", "--version");
        CommandRun.assumeInstalled("kubectl", "version", "--client");
        CommandRun.assumeInstalled("curl", "--version");
        Assumptions.assumeTrue(Openssl.isAvailable(), "openssl is not installed (not on the PATH): walk-through skipped");
        work = directory;
        environment.put("HOME", work.toString()); // kubectl's discovery cache of its own
        sandbox = Sandbox.start(work.resolve("state"));
        SeedOpensslSteps.runIn(work); // the seed's openssl commands, argument for argument
        writeFile("httpbin.yaml", Fixture.HTTPBIN.manifest());
        writeFile("helloworld/helloworld.yaml", Fixture.HELLOWORLD_V1.manifest());
    }

    @AfterAll
    static void stopSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    @Order(1)
    void teapotThroughTheGatewayThatKubectlConfigured() {
        succeeds("kubectl get crd gateways.gateway.networking.k8s.io");
        assertThat(succeeds("kubectl apply -f httpbin.yaml").out())
                .contains("service/httpbin created", "deployment.apps/httpbin created");
        assertThat(succeeds("""
                kubectl create -n istio-system secret tls httpbin-credential \\
                  --key=example_certs1/httpbin.example.com.key \\
                  --cert=example_certs1/httpbin.example.com.crt
                """).out()).contains("secret/httpbin-credential created");
        assertThat(succeeds(kubectlApply(SeedManifests.GATEWAY_ONE_HOST)).out())
                .contains("gateway.gateway.networking.k8s.io/mygateway created");
        assertThat(succeeds(kubectlApply(SeedManifests.HTTPBIN_ROUTE)).out())
                .contains("httproute.gateway.networking.k8s.io/httpbin created");

        assertThat(succeeds("kubectl wait --for=condition=programmed gtw mygateway -n istio-system").out())
                .contains("gateway.gateway.networking.k8s.io/mygateway condition met");
        String ingressHost = succeeds(
                "kubectl get gtw mygateway -n istio-system -o jsonpath='{.status.addresses[0].value}'").out();
        assertThat(ingressHost).matches("127\\.\\d+\\.\\d+\\.\\d+");
        assertThat(succeeds("kubectl get gtw mygateway -n istio-system"
                + " -o jsonpath='{.spec.listeners[?(@.name==\"https\")].port}'").out()).isEqualTo("443");
        // The listener's port is bound as it is where the sandbox may (as root), else 443 + 10000; the
        // mygateway-istio Service says which (nodePort), as a NodePort Service does on a cluster without load balancer.
        String securePort = succeeds("kubectl get svc mygateway-istio -n istio-system"
                + " -o jsonpath='{.spec.ports[?(@.port==443)].nodePort}'").out();
        assertThat(securePort).isIn("443", "10443");
        environment.put("INGRESS_HOST", ingressHost);
        environment.put("SECURE_INGRESS_PORT", securePort);

        // The Deployment becomes available a moment after the Gateway is programmed: repeat until served.
        CommandRun.Result teapot = eventually("the teapot from httpbin", CURL_HTTPBIN_ROOT1,
                curl -> curl.exitCode() == 0 && curl.out().equals(TEAPOT));
        assertThat(teapot.err()).contains("subject: CN=httpbin.example.com; O=httpbin organization",
                "issuer: O=example Inc.; CN=example.com", "SSL certificate verify ok", " 418");
    }

    @Test
    @Order(2)
    void secretRecreatedFromTheSecondRootIsServedAndTheFirstRootFails() {
        succeeds("kubectl -n istio-system delete secret httpbin-credential");
        assertThat(succeeds("""
                kubectl create -n istio-system secret tls httpbin-credential \\
                  --key=example_certs2/httpbin.example.com.key \\
                  --cert=example_certs2/httpbin.example.com.crt
                """).out()).contains("secret/httpbin-credential created");

        eventually("the teapot with the second root trusted", CURL_HTTPBIN_ROOT2,
                curl -> curl.exitCode() == 0 && curl.out().equals(TEAPOT));
        CommandRun.Result oldRoot = shell(CURL_HTTPBIN_ROOT1);
        assertThat(oldRoot.exitCode()).as("curl trusting only the first root: %s", oldRoot)
                .isIn(35, 60); // handshake failed / the certificate was not verified
        assertThat(oldRoot.out()).doesNotContain(TEAPOT);

        succeeds("kubectl -n istio-system delete secret httpbin-credential");
        succeeds("""
                kubectl create -n istio-system secret tls httpbin-credential \\
                  --key=example_certs1/httpbin.example.com.key \\
                  --cert=example_certs1/httpbin.example.com.crt
                """);
        eventually("the teapot with the first root again", CURL_HTTPBIN_ROOT1,
                curl -> curl.exitCode() == 0 && curl.out().equals(TEAPOT));
    }

    @Test
    @Order(3)
    void helloworldIsServedOnTheSameGatewayWithItsOwnCertificate() {
        assertThat(succeeds("kubectl apply -f ./helloworld/helloworld.yaml -l service=helloworld").out())
                .isEqualTo("service/helloworld created\n");
        assertThat(succeeds("kubectl apply -f ./helloworld/helloworld.yaml -l version=v1").out())
                .isEqualTo("deployment.apps/helloworld-v1 created\n");
        succeeds("""
                kubectl create -n istio-system secret tls helloworld-credential \\
                  --key=example_certs1/helloworld.example.com.key \\
                  --cert=example_certs1/helloworld.example.com.crt
                """);
        assertThat(succeeds(kubectlApply(SeedManifests.GATEWAY_TWO_HOSTS)).out())
                .contains("gateway.gateway.networking.k8s.io/mygateway configured");
        succeeds(kubectlApply(SeedManifests.HELLOWORLD_ROUTE));

        CommandRun.Result hello = eventually("helloworld v1 to answer", CURL_HELLOWORLD,
                curl -> curl.exitCode() == 0 && curl.out().startsWith("Hello version: v1, instance: helloworld-v1-"));
        assertThat(hello.err()).contains("subject: CN=helloworld.example.com; O=helloworld organization");
        CommandRun.Result teapot = succeeds(CURL_HTTPBIN_ROOT1);
        assertThat(teapot.out()).isEqualTo(TEAPOT);
        assertThat(teapot.err()).contains("subject: CN=httpbin.example.com; O=httpbin organization");
    }

    @Test
    @Order(4)
    void mutualTlsServesOnlyClientsWithACertificate() {
        succeeds("kubectl -n istio-system delete secret httpbin-credential");
        succeeds("""
                kubectl create -n istio-system secret generic httpbin-credential \\
                  --from-file=tls.key=example_certs1/httpbin.example.com.key \\
                  --from-file=tls.crt=example_certs1/httpbin.example.com.crt \\
                  --from-file=ca.crt=example_certs1/example.com.crt
                """);
        assertThat(succeeds(kubectlApply(SeedManifests.GATEWAY_MUTUAL)).out())
                .contains("gateway.gateway.networking.k8s.io/mygateway configured");

        CommandRun.Result refused = eventually("curl without a client certificate to be refused", CURL_HTTPBIN_ROOT1,
                curl -> curl.exitCode() != 0 && curl.err().contains("alert certificate required"));
        assertThat(refused.out()).doesNotContain(TEAPOT);
        CommandRun.Result teapot = succeeds(CURL_HTTPBIN_CLIENT_CERTIFICATE);
        assertThat(teapot.out()).isEqualTo(TEAPOT);
    }

    /** The seed's way to apply a manifest: {@code cat <<EOF | kubectl apply -f -}. */
    private static String kubectlApply(String manifest) {
        return "cat <<EOF | kubectl apply -f -\n" + manifest + "EOF\n";
    }

    /** Runs a command line with bash after sourcing the sandbox's {@code ingress.env}, as a user's shell would. */
    private static CommandRun.Result shell(String commandLine) {
        String script = ". '" + sandbox.envFile() + "'\n" + commandLine;
        return CommandRun.run(work, environment, null, Duration.ofSeconds(120), List.of("bash", "-c", script));
    }

    private static CommandRun.Result succeeds(String commandLine) {
        CommandRun.Result result = shell(commandLine);
        assertThat(result.exitCode()).as("%s", result).isZero();
        return result;
    }

    /** Repeats a command line until its result is {@code expected}; times out reporting the last result. */
    private static CommandRun.Result eventually(String description, String commandLine,
                                                Predicate<CommandRun.Result> expected) {
        return BoundedWait.<CommandRun.Result>forState(description)
                .atMost(PROPAGATION)
                .pollEvery(Duration.ofMillis(200))
                .describedBy(CommandRun.Result::toString)
                .until(() -> shell(commandLine), expected);
    }

    private static void writeFile(String name, String content) {
        try {
            Path file = work.resolve(name);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package dev.secureingress.embedded.gateway;

import dev.secureingress.client.HandshakeFailure;
import dev.secureingress.client.HandshakeResult;
import dev.secureingress.client.IngressClient;
import dev.secureingress.client.IngressResponse;
import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.cluster.FixtureDeployer;
import dev.secureingress.embedded.EmbeddedClusterForClass;
import dev.secureingress.fixtures.Fixture;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.SecretLayout;
import dev.secureingress.tls.SeedPki;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.secureingress.embedded.gateway.ControllerHarness.gateway;
import static dev.secureingress.embedded.gateway.ControllerHarness.gatewayCondition;
import static dev.secureingress.embedded.gateway.ControllerHarness.listenerCondition;
import static dev.secureingress.embedded.gateway.ControllerHarness.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The controller with the real pieces around it: embedded API server, workload controller running the httpbin
 * stand-in, and the Netty data plane. The seed's flow over real TLS: teapot, rotation, SNI refusal after the
 * secret is deleted, and mutual TLS.
 */
class GatewayControllerEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String HOST = SeedPki.HTTPBIN_HOST;

    @RegisterExtension
    static final EmbeddedClusterForClass cluster = new EmbeddedClusterForClass();
    private static KubernetesClient client;
    private static SeedPki pki;
    private static final String APPS = "default";

    @BeforeAll
    static void start() {
        client = cluster.client();
        pki = SeedPki.generate();
        new FixtureDeployer(client).deploy(Fixture.HTTPBIN, APPS);
    }

    /** Creates the Gateway with one HTTPS listener for httpbin and the seed's HTTPRoute; waits until Programmed. */
    private static InetSocketAddress gatewayFor(String gatewayNs, String secret, String mode) {
        ListenerBuilder listener = new ListenerBuilder().withName("https").withHostname(HOST).withPort(443).withProtocol("HTTPS")
                .withNewTls().withMode("Terminate").addNewCertificateRef().withName(secret).endCertificateRef().endTls()
                .withNewAllowedRoutes().withNewNamespaces().withFrom("Selector").withNewSelector()
                .addToMatchLabels("kubernetes.io/metadata.name", APPS).endSelector().endNamespaces().endAllowedRoutes();
        if (mode != null) {
            listener.editTls().withOptions(Map.of("gateway.istio.io/tls-terminate-mode", mode)).endTls();
        }
        client.resource(gateway(gatewayNs, "mygateway").editSpec().addToListeners(listener.build()).endSpec().build()).create();
        client.resource(route(APPS, "httpbin-" + gatewayNs).withNewSpec()
                .addNewParentRef().withName("mygateway").withNamespace(gatewayNs).endParentRef()
                .withHostnames(HOST)
                .addNewRule()
                .addNewMatch().withNewPath().withType("PathPrefix").withValue("/status").endPath().endMatch()
                .addNewMatch().withNewPath().withType("PathPrefix").withValue("/delay").endPath().endMatch()
                .addNewBackendRef().withName("httpbin").withPort(8000).endBackendRef()
                .endRule().endSpec().build()).create();
        awaitGateway(gatewayNs, "listener https Programmed",
                gatewayCondition("Programmed", "True", "Programmed")
                        .and(listenerCondition("https", "Programmed", "True", "Programmed")));
        return endpoint(gatewayNs);
    }

    /** Where the Gateway's port 443 is served, as its {@code mygateway-istio} Service says. */
    private static InetSocketAddress endpoint(String gatewayNs) {
        return cluster.gatewayEndpoint(gatewayNs, "mygateway", 443);
    }

    private static Gateway awaitGateway(String ns, String description, java.util.function.Predicate<Gateway> done) {
        return BoundedWait.<Gateway>forState("Gateway " + ns + "/mygateway " + description).atMost(WAIT)
                .describedBy(dev.secureingress.cluster.ConditionReport::of)
                .until(() -> client.resources(Gateway.class).inNamespace(ns).withName("mygateway").get(), done);
    }

    private static IngressClient clientTrusting(CertificateAuthority root, InetSocketAddress endpoint) {
        return IngressClient.builder().trust(root).resolve(HOST, 443, endpoint).freshConnections().build();
    }

    private static void createNamespace(String name) {
        client.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(name)
                .endMetadata().build()).create();
    }

    @Test
    void teapotThenRotationToTheSecondRootThenSniRefusedOnceTheSecretIsDeleted() {
        String ns = "e2e-rotation";
        createNamespace(ns);
        SecretLayout.TLS.secrets(ns, "httpbin-credential", pki.httpbin1()).forEach(s -> client.resource(s).create());
        InetSocketAddress endpoint = gatewayFor(ns, "httpbin-credential", null);

        try (IngressClient root1 = clientTrusting(pki.root1(), endpoint);
             IngressClient root2 = clientTrusting(pki.root2(), endpoint)) {
            IngressResponse teapot = BoundedWait.<IngressResponse>forState("418 from httpbin through the gateway")
                    .atMost(WAIT).until(() -> root1.get(HOST, "/status/418"), r -> r.status() == 418);
            assertThat(teapot.body()).isEqualTo("I'm a teapot!");
            assertThat(teapot.serverCertificate()).isEqualTo(pki.httpbin1().certificate());

            // rotation in place: the listener keeps being served, new handshakes get the new certificate
            client.resource(SecretLayout.TLS.secrets(ns, "httpbin-credential", pki.httpbin2()).get(0)).update();
            IngressResponse afterRotation = BoundedWait.<IngressResponse>forState("418 with the certificate of root 2")
                    .atMost(WAIT).until(() -> root2.get(HOST, "/status/418"), r -> r.status() == 418);
            assertThat(afterRotation.serverCertificate()).isEqualTo(pki.httpbin2().certificate());
            HandshakeResult withRoot1 = root1.probe(HOST);
            assertThat(withRoot1.succeeded()).as("root 1 no longer verifies the served certificate").isFalse();
            assertThat(withRoot1.failure().orElseThrow().reason()).isEqualTo(HandshakeFailure.Reason.UNTRUSTED_ISSUER);

            // the seed's way: delete the secret (its SNI is refused), then create it again from root 1
            client.secrets().inNamespace(ns).withName("httpbin-credential").delete();
            awaitGateway(ns, "listener https unresolved", listenerCondition("https", "ResolvedRefs", "False", "InvalidCertificateRef"));
            HandshakeResult refused = BoundedWait.<HandshakeResult>forState("the SNI refused").atMost(WAIT)
                    .until(() -> root2.probe(HOST), r -> !r.succeeded());
            assertThat(refused.presentedChain()).as("no default certificate is served").isEmpty();
        }

        SecretLayout.TLS.secrets(ns, "httpbin-credential", pki.httpbin1()).forEach(s -> client.resource(s).create());
        awaitGateway(ns, "listener https Programmed again", listenerCondition("https", "Programmed", "True", "Programmed"));
        try (IngressClient root1 = clientTrusting(pki.root1(), endpoint(ns))) {
            IngressResponse restored = BoundedWait.<IngressResponse>forState("418 with root 1 again").atMost(WAIT)
                    .until(() -> root1.get(HOST, "/status/418"), r -> r.status() == 418);
            assertThat(restored.serverCertificate()).isEqualTo(pki.httpbin1().certificate());
        }
    }

    @Test
    void mutualTlsNeedsAClientCertificateFromTheTrustedCa() {
        String ns = "e2e-mutual";
        createNamespace(ns);
        SecretLayout.TLS.secrets(ns, "httpbin-credential", pki.httpbin1(), List.of(pki.root1().certificate()))
                .forEach(s -> client.resource(s).create());
        InetSocketAddress endpoint = gatewayFor(ns, "httpbin-credential", "MUTUAL");
        Credential foreign = CertificateAuthority.root("CN=foreign").build().issue().client().subject("CN=foreign client").build();

        try (IngressClient withCert = IngressClient.builder().trust(pki.root1()).resolve(HOST, 443, endpoint)
                .clientCertificate(pki.client()).freshConnections().build();
             IngressClient withoutCert = clientTrusting(pki.root1(), endpoint);
             IngressClient withForeignCert = IngressClient.builder().trust(pki.root1()).resolve(HOST, 443, endpoint)
                     .clientCertificate(foreign).freshConnections().build()) {
            IngressResponse teapot = BoundedWait.<IngressResponse>forState("418 with a client certificate").atMost(WAIT)
                    .until(() -> withCert.get(HOST, "/status/418"), r -> r.status() == 418);
            assertThat(teapot.body()).isEqualTo("I'm a teapot!");
            assertThatThrownBy(() -> withoutCert.get(HOST, "/status/418")).as("no client certificate")
                    .isInstanceOf(dev.secureingress.client.IngressRequestException.class);
            assertThatThrownBy(() -> withForeignCert.get(HOST, "/status/418")).as("a client certificate of another CA")
                    .isInstanceOf(dev.secureingress.client.IngressRequestException.class);
        }
    }
}

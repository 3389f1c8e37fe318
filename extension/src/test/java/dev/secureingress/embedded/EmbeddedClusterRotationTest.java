package dev.secureingress.embedded;

import dev.secureingress.client.HandshakeResult;
import dev.secureingress.client.IngressClient;
import dev.secureingress.client.IngressResponse;
import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.ingress.HostSpec;
import dev.secureingress.ingress.IngressApplier;
import dev.secureingress.ingress.IngressNames;
import dev.secureingress.ingress.IngressPlan;
import dev.secureingress.ingress.IngressReadiness;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.SecretLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A certificate Secret replaced through the API reaches new handshakes; open connections keep working. */
class EmbeddedClusterRotationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String HOST = "rotated.example.com";

    @RegisterExtension
    static final EmbeddedClusterForClass cluster = new EmbeddedClusterForClass();

    @Test
    void anUpdatedSecretIsServedOnTheNextHandshakeWhileAnOpenConnectionKeepsWorking() {
        CertificateAuthority root1 = CertificateAuthority.root("O=example Inc.,CN=example.com").build();
        CertificateAuthority root2 = CertificateAuthority.root("O=example Inc.,CN=example.com").build();
        Credential first = root1.issue().server(HOST).build();
        Credential second = root2.issue().server(HOST).build();
        IngressPlan plan = new IngressPlan(IngressNames.forOwner(getClass().getSimpleName()),
                List.of(HostSpec.host(HOST).backend("httpbin", 8000).build()));
        String namespace = plan.names().namespace();
        IngressApplier applier = new IngressApplier(cluster.client(), namespace);
        applier.createNamespace(namespace, getClass().getSimpleName());
        SecretLayout.TLS.secrets(namespace, plan.secretName(HOST), first).forEach(applier::create);
        applier.create(plan.gateway());
        new IngressReadiness(cluster.client(), WAIT).awaitGateway(namespace, plan.names().gateway());
        InetSocketAddress gateway = cluster.gatewayEndpoint(namespace, plan.names().gateway(), IngressPlan.HTTPS_PORT);

        try (IngressClient pooled = IngressClient.builder().trust(root1, root2).resolve(HOST, gateway).build();
             IngressClient fresh = IngressClient.builder().trust(root2).resolve(HOST, gateway).freshConnections().build()) {
            IngressResponse before = pooled.get(HOST, "/");
            assertThat(before.status()).as("no route: the gateway answers itself").isEqualTo(404);
            assertThat(before.serverCertificate()).isEqualTo(first.certificate());

            cluster.client().resource(SecretLayout.TLS.secrets(namespace, plan.secretName(HOST), second).get(0)).update();

            HandshakeResult rotated = BoundedWait.<HandshakeResult>forState("a fresh handshake presenting the new certificate")
                    .atMost(WAIT).until(() -> fresh.probe(HOST), HandshakeResult::succeeded);
            assertThat(rotated.presentedChain().get(0)).isEqualTo(second.certificate());
            IngressResponse after = pooled.get(HOST, "/");
            assertThat(after.status()).isEqualTo(404);
            assertThat(after.serverCertificate()).as("the connection opened before the rotation is still in use")
                    .isEqualTo(first.certificate());
        }
    }
}

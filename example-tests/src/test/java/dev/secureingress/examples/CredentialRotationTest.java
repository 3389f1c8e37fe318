package dev.secureingress.examples;

import dev.secureingress.client.HandshakeFailure;
import dev.secureingress.client.IngressClient;
import dev.secureingress.client.IngressRequestException;
import dev.secureingress.ingress.CredentialRotation;
import dev.secureingress.junit.HostRotation;
import dev.secureingress.junit.IngressHost;
import dev.secureingress.junit.SecureIngress;
import dev.secureingress.junit.SecureIngressTest;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.function.UnaryOperator;

import static dev.secureingress.assertions.IngressAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The walk-through's regression: "change the gateway's credentials" to a certificate from a second
 * root with the same subject ({@code example_certs2}). Afterwards clients that trust root 2 get the
 * teapot and clients that trust only root 1 are refused. Every client here opens a fresh connection
 * with a full handshake per request (no pooling, no TLS session resumption), and the root 1 client is
 * the very client that got the teapot before the rotation: nothing it kept can hide the new certificate.
 */
@DisplayName("rotation regression: root 2 served and trusted, root 1 refused")
@SecureIngressTest(fixtures = "httpbin",
        hosts = @IngressHost(name = "httpbin.example.com", backend = "httpbin:8000", paths = "/status"))
class CredentialRotationTest {

    private static final String HOST = "httpbin.example.com";
    private static final String TEAPOT = "https://httpbin.example.com/status/418";

    @Test
    @DisplayName("the walk-through's way: delete the Secret, create it with root 2's certificate")
    void deleteAndCreateToANewRoot(SecureIngress ingress) {
        rotateToANewRoot(ingress, HostRotation::deleteAndCreate);
    }

    @Test
    @DisplayName("in place: update the Secret with root 2's certificate")
    void updateInPlaceToANewRoot(SecureIngress ingress) {
        rotateToANewRoot(ingress, HostRotation::inPlace);
    }

    @Test
    @DisplayName("a new leaf from the same root: clients keep trusting it, the new certificate is served")
    void newLeafFromTheSameRoot(SecureIngress ingress) {
        Credential before = ingress.credential(HOST);

        CredentialRotation.Result rotation = ingress.rotate(HOST).toNewLeaf().inPlace().apply();

        assertThat(rotation.current().certificate()).isNotEqualTo(before.certificate());
        try (IngressClient client = ingress.clientBuilder().freshConnections().build()) {
            assertThat(client.get(TEAPOT)).isTeapot()
                    .servedCertificate().isEqualTo(rotation.current().certificate()).isIssuedBy(ingress.rootCa());
        }
    }

    private static void rotateToANewRoot(SecureIngress ingress, UnaryOperator<HostRotation> howTheSecretChanges) {
        CertificateAuthority root1 = ingress.rootCa();
        InetSocketAddress gatewayBefore = ingress.gatewayAddress();
        try (IngressClient trustsRoot1 = ingress.clientBuilder().freshConnections().build()) {
            assertThat(trustsRoot1.get(TEAPOT)).isTeapot().servedCertificate().isIssuedBy(root1);

            howTheSecretChanges.apply(ingress.rotate(HOST).toNewRoot()).apply();

            CertificateAuthority root2 = ingress.rootCa();
            assertThat(root2.certificate()).isNotEqualTo(root1.certificate());
            assertThat(ingress.gatewayAddress()).as("the gateway address clients looked up before the rotation")
                    .isEqualTo(gatewayBefore);
            try (IngressClient trustsRoot2 = ingress.clientBuilder().trustNothingYet().trust(root2).freshConnections().build()) {
                assertThat(trustsRoot2.get(TEAPOT)).isTeapot().servedCertificate().isIssuedBy(root2);
            }
            assertThat(trustsRoot1.probe(HOST))
                    .wasRefusedBecause(HandshakeFailure.Reason.UNTRUSTED_ISSUER)
                    .servedCertificate().isIssuedBy(root2);
            assertThatThrownBy(() -> trustsRoot1.get(TEAPOT))
                    .isInstanceOfSatisfying(IngressRequestException.class, refused ->
                            assertThat(refused.failure().reason()).isEqualTo(HandshakeFailure.Reason.UNTRUSTED_ISSUER));
        }
    }
}

package dev.secureingress.examples;

import dev.secureingress.client.HandshakeFailure;
import dev.secureingress.client.IngressClient;
import dev.secureingress.fixtures.Fixture;
import dev.secureingress.junit.SecureIngress;
import dev.secureingress.junit.SecureIngressTest;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.KeyAlgorithm;
import dev.secureingress.tls.SeedPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.security.cert.X509Certificate;

import static dev.secureingress.assertions.IngressAssertions.assertThat;

/**
 * The walk-through with its own YAML, applied as it stands ({@code src/test/resources/seed/}): the Gateway
 * {@code mygateway} in {@code istio-system}, the routes in {@code default}, the Secrets created the way
 * {@code kubectl create -n istio-system secret tls NAME --cert --key} does, and the seed's PKI
 * ({@code example_certs1}, {@code example_certs2}, RSA 2048 keys as its openssl commands make them).
 * The steps run in the walk-through's order; each first puts the cluster in the state the step starts from.
 */
@DisplayName("the walk-through's own YAML, applied as it stands")
@SecureIngressTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedManifestsTest {

    private static final String HTTPBIN = "httpbin.example.com";
    private static final String HELLOWORLD = "helloworld.example.com";
    private static final String GATEWAY_NAMESPACE = "istio-system";
    private static final String ROUTE_NAMESPACE = "default";

    /** example_certs1 (root 1, httpbin, helloworld, client) and example_certs2 (root 2, httpbin). */
    private static SeedPki seed;

    @BeforeAll
    static void beforeYouBegin(SecureIngress ingress) {
        seed = SeedPki.generate(KeyAlgorithm.RSA_2048);
        ingress.deploy(Fixture.HTTPBIN, ROUTE_NAMESPACE);      // kubectl apply -f samples/httpbin/httpbin.yaml
    }

    @Test
    @Order(1)
    @DisplayName("1. single host: httpbin-credential, mygateway and the httpbin route; example_certs1 gets the teapot")
    void singleHost(SecureIngress ingress) {
        configureSingleHost(ingress);

        try (IngressClient certs1 = clientTrusting(ingress, seed.root1().certificate())) {
            assertThat(certs1.get("https://httpbin.example.com/status/418"))
                    .isTeapot()
                    .servedCertificate().isEqualTo(seed.httpbin1().certificate()).isIssuedBy(seed.root1());
            assertThat(certs1.get("https://httpbin.example.com/headers")).isNotFound();
        }
    }

    @Test
    @Order(2)
    @DisplayName("2. delete httpbin-credential, create it from example_certs2: root 2 trusted, root 1 refused")
    void rotation(SecureIngress ingress) {
        configureSingleHost(ingress);

        replaceSecret(ingress, "httpbin-credential", seed.httpbin2());
        ingress.awaitServing(HTTPBIN, "/status/418", seed.httpbin2());

        try (IngressClient certs2 = clientTrusting(ingress, seed.root2().certificate());
             IngressClient certs1 = clientTrusting(ingress, seed.root1().certificate())) {
            assertThat(certs2.get("https://httpbin.example.com/status/418"))
                    .isTeapot()
                    .servedCertificate().isIssuedBy(seed.root2());
            assertThat(certs1.probe(HTTPBIN)).wasRefusedBecause(HandshakeFailure.Reason.UNTRUSTED_ISSUER);
        }
    }

    @Test
    @Order(3)
    @DisplayName("3. multiple hosts: helloworld-v1, helloworld-credential, the two-listener mygateway and the helloworld route")
    void multipleHosts(SecureIngress ingress) {
        configureSingleHost(ingress);
        ingress.deploy(Fixture.HELLOWORLD_V1, ROUTE_NAMESPACE);      // helloworld.yaml -l service=helloworld, -l version=v1
        replaceSecret(ingress, "helloworld-credential", seed.helloworld());
        ingress.applyManifest("classpath:seed/mygateway-two-hosts.yaml", ROUTE_NAMESPACE);
        ingress.applyManifest("classpath:seed/helloworld-route.yaml", ROUTE_NAMESPACE);
        ingress.awaitServing(HELLOWORLD, "/hello", seed.helloworld());
        ingress.awaitServing(HTTPBIN, "/status/418", seed.httpbin1());

        try (IngressClient certs1 = clientTrusting(ingress, seed.root1().certificate())) {
            assertThat(certs1.get("https://helloworld.example.com/hello"))
                    .isHelloFrom("v1")
                    .servedCertificate().isEqualTo(seed.helloworld().certificate());
            assertThat(certs1.get("https://helloworld.example.com/hello/")).isNotFound();
            assertThat(certs1.get("https://httpbin.example.com/status/418"))
                    .isTeapot()
                    .servedCertificate().isEqualTo(seed.httpbin1().certificate());
        }
    }

    /** The single-host gateway with example_certs1's httpbin certificate, as after "Configure the ingress gateway". */
    private static void configureSingleHost(SecureIngress ingress) {
        replaceSecret(ingress, "httpbin-credential", seed.httpbin1());
        ingress.applyManifest("classpath:seed/mygateway.yaml", ROUTE_NAMESPACE);   // waits like kubectl wait --for=condition=programmed
        ingress.applyManifest("classpath:seed/httpbin-route.yaml", ROUTE_NAMESPACE);
        ingress.awaitServing(HTTPBIN, "/status/418", seed.httpbin1());   // a gateway picks up a Secret within moments, not at once
    }

    /** {@code kubectl -n istio-system delete secret NAME} (if present), then {@code kubectl create -n istio-system secret tls NAME}. */
    private static void replaceSecret(SecureIngress ingress, String name, Credential credential) {
        ingress.deleteSecret(GATEWAY_NAMESPACE, name);
        ingress.createTlsSecret(GATEWAY_NAMESPACE, name, credential);
    }

    /** {@code curl --cacert example_certsN/example.com.crt --resolve HOST:443:<gateway address>}, a new connection each time. */
    private static IngressClient clientTrusting(SecureIngress ingress, X509Certificate root) {
        return ingress.clientBuilder().trustNothingYet().trust(root).freshConnections().build();
    }
}

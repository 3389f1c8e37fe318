package dev.secureingress.cluster;

import dev.secureingress.client.IngressClient;
import dev.secureingress.client.IngressResponse;
import dev.secureingress.fixtures.Fixture;
import dev.secureingress.ingress.HostSpec;
import dev.secureingress.ingress.IngressApplier;
import dev.secureingress.ingress.IngressNames;
import dev.secureingress.ingress.IngressPlan;
import dev.secureingress.ingress.IngressReadiness;
import dev.secureingress.ingress.PathType;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.SecretLayout;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first scenario of Istio's "Secure Gateways" task on any {@link IngressCluster}: httpbin behind an
 * HTTPS listener for {@code httpbin.example.com}, and {@code GET /status/418} through the gateway with a
 * client that trusts only the generated root answers 418 "I'm a teapot!".
 */
public final class TeapotScenario {

    private static final String HOST = "httpbin.example.com";

    private TeapotScenario() {
    }

    /** Runs the scenario in a fresh namespace, deleting what it created afterwards. */
    public static void run(IngressCluster cluster, Duration timeout) {
        IngressNames names = IngressNames.forOwner("TeapotScenario");
        IngressApplier applier = new IngressApplier(cluster.client(), names.namespace());
        try {
            applier.createNamespace(names.namespace(), "TeapotScenario");
            new FixtureDeployer(cluster.client()).timeout(timeout).deploy(Fixture.HTTPBIN, applier);

            CertificateAuthority root = CertificateAuthority.root("O=example Inc.,CN=example.com").build();
            Credential httpbin = root.issue().server(HOST).subject("CN=" + HOST + ",O=httpbin organization").build();
            IngressPlan plan = new IngressPlan(names, List.of(HostSpec.host(HOST)
                    .backend(Fixture.HTTPBIN.serviceName(), Fixture.HTTPBIN.servicePort())
                    .paths(PathType.PREFIX, "/status", "/delay")
                    .build()));
            SecretLayout.TLS.secrets(names.namespace(), plan.secretName(HOST), httpbin).forEach(applier::apply);
            applier.apply(plan.gateway());
            plan.routes().forEach(applier::apply);
            IngressReadiness readiness = new IngressReadiness(cluster.client(), timeout);
            readiness.awaitGateway(names.namespace(), names.gateway());
            plan.routes().forEach(route -> readiness.awaitRoute(names.namespace(), route.getMetadata().getName()));

            InetSocketAddress endpoint = cluster.gatewayEndpoint(names.namespace(), names.gateway(), IngressPlan.HTTPS_PORT);
            try (IngressClient client = IngressClient.builder().trust(root).resolve(HOST, endpoint).build()) {
                IngressResponse teapot = client.get("https://" + HOST + "/status/418");
                assertThat(teapot.status()).as(teapot.curl().commandLine()).isEqualTo(418);
                assertThat(teapot.body()).isEqualTo("I'm a teapot!");
            }
        } finally {
            applier.deleteAll();
        }
    }
}

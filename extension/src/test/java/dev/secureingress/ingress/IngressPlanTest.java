package dev.secureingress.ingress;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class IngressPlanTest {

    private final IngressNames names = new IngressNames("si-plan-abcde", "gateway-abcde", "abcde");
    private final HostSpec httpbin = HostSpec.host("httpbin.example.com").backend("httpbin:8000")
            .paths(PathType.PREFIX, "/status", "/delay").build();
    private final HostSpec helloworld = HostSpec.host("helloworld.example.com").backend("helloworld:5000")
            .paths(PathType.EXACT, "/hello").tls(TlsMode.MUTUAL).build();

    @Test
    void gatewayHasOneTerminatingHttpsListenerPerHostOn443() {
        Gateway gateway = new IngressPlan(names, List.of(httpbin, helloworld)).gateway();

        assertThat(gateway.getMetadata().getNamespace()).isEqualTo("si-plan-abcde");
        assertThat(gateway.getMetadata().getName()).isEqualTo("gateway-abcde");
        assertThat(gateway.getSpec().getGatewayClassName()).isEqualTo("istio");
        assertThat(gateway.getSpec().getListeners()).extracting(Listener::getName, Listener::getHostname, Listener::getPort, Listener::getProtocol)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("https-httpbin-example-com", "httpbin.example.com", 443, "HTTPS"),
                        org.assertj.core.groups.Tuple.tuple("https-helloworld-example-com", "helloworld.example.com", 443, "HTTPS"));
        Listener first = gateway.getSpec().getListeners().get(0);
        assertThat(first.getTls().getMode()).isEqualTo("Terminate");
        assertThat(first.getTls().getCertificateRefs()).singleElement()
                .satisfies(ref -> assertThat(ref.getName()).isEqualTo("httpbin-example-com-abcde-credential"));
        assertThat(first.getTls().getOptions()).isNullOrEmpty();
        assertThat(first.getAllowedRoutes().getNamespaces().getFrom()).isEqualTo("Same");
        assertThat(gateway.getSpec().getListeners().get(1).getTls().getOptions())
                .containsEntry("gateway.istio.io/tls-terminate-mode", "MUTUAL");
    }

    @Test
    void routesMatchTheDeclaredPathsAndForwardToTheBackend() {
        List<HTTPRoute> routes = new IngressPlan(names, List.of(httpbin, helloworld)).routes();

        assertThat(routes).hasSize(2);
        HTTPRoute route = routes.get(0);
        assertThat(route.getMetadata().getName()).isEqualTo("httpbin-example-com");
        assertThat(route.getSpec().getHostnames()).containsExactly("httpbin.example.com");
        assertThat(route.getSpec().getParentRefs()).singleElement().satisfies(ref -> {
            assertThat(ref.getName()).isEqualTo("gateway-abcde");
            assertThat(ref.getNamespace()).isEqualTo("si-plan-abcde");
            assertThat(ref.getSectionName()).isEqualTo("https-httpbin-example-com");
        });
        assertThat(route.getSpec().getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getMatches()).extracting(m -> m.getPath().getType() + " " + m.getPath().getValue())
                    .containsExactly("PathPrefix /status", "PathPrefix /delay");
            assertThat(rule.getBackendRefs()).singleElement()
                    .satisfies(b -> assertThat(b.getName() + ":" + b.getPort()).isEqualTo("httpbin:8000"));
        });
        assertThat(routes.get(1).getSpec().getRules().get(0).getMatches())
                .extracting(m -> m.getPath().getType() + " " + m.getPath().getValue())
                .containsExactly("Exact /hello");
    }

    @Test
    void aHostDeclaredTwiceIsAConflict() {
        HostSpec again = HostSpec.host("httpbin.example.com").backend("other:80").build();

        assertThatIllegalArgumentException().isThrownBy(() -> new IngressPlan(names, List.of(httpbin, again)))
                .withMessageContaining("host httpbin.example.com is declared twice")
                .withMessageContaining("httpbin:8000")
                .withMessageContaining("other:80")
                .withMessageContaining("merge the paths into one host");
    }

    @Test
    void unknownHostLookupListsTheDeclaredOnes() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new IngressPlan(names, List.of(httpbin)).host("nope.example.com"))
                .withMessageContaining("no host nope.example.com")
                .withMessageContaining("[httpbin.example.com]");
    }
}

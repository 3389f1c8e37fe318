package dev.secureingress.embedded.dataplane;

import dev.secureingress.tls.CertificateAuthority;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatchBuilder;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

/** Short builders of data-plane programs for tests. */
final class Programs {

    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private Programs() {
    }

    /** A root like the seed's: {@code O=example Inc., CN=example.com}. */
    static CertificateAuthority rootCa() {
        return CertificateAuthority.root("O=example Inc.,CN=example.com").build();
    }

    static TlsProgram.ServerCertificate serverCertificate(CertificateAuthority ca, String... hostnames) {
        return TlsProgram.ServerCertificate.of(ca.issue().server(hostnames).build());
    }

    static ListenerProgram https(String name, int port, String hostname, TlsProgram tls, RouteProgram... routes) {
        return new ListenerProgram(name, port, ListenerProgram.Protocol.HTTPS, hostname, tls, List.of(routes));
    }

    static ListenerProgram http(String name, int port, String hostname, RouteProgram... routes) {
        return new ListenerProgram(name, port, ListenerProgram.Protocol.HTTP, hostname, null, List.of(routes));
    }

    static TlsProgram simple(TlsProgram.ServerCertificate... certificates) {
        return new TlsProgram(List.of(certificates), TlsProgram.TerminateMode.SIMPLE, List.of());
    }

    static RouteProgram route(String name, List<String> hostnames, RouteProgram.Rule... rules) {
        return route(name, EPOCH, hostnames, rules);
    }

    static RouteProgram route(String name, Instant created, List<String> hostnames, RouteProgram.Rule... rules) {
        return new RouteProgram("default", name, created, hostnames, List.of(rules));
    }

    static RouteProgram.Rule rule(List<HTTPRouteMatch> matches, RouteProgram.Backend... backends) {
        return new RouteProgram.Rule(matches, List.of(), List.of(backends), null);
    }

    static RouteProgram.Rule rule(List<HTTPRouteMatch> matches, List<HTTPRouteFilter> filters,
                                  RouteProgram.Backend... backends) {
        return new RouteProgram.Rule(matches, filters, List.of(backends), null);
    }

    static RouteProgram.Backend backend(TestBackend server) {
        return backend(server, 1);
    }

    static RouteProgram.Backend backend(TestBackend server, int weight) {
        return new RouteProgram.Backend("default/" + server.name() + ":80", weight, List.of(server.address()), null,
                List.of());
    }

    static RouteProgram.Backend backend(String name, List<InetSocketAddress> endpoints) {
        return new RouteProgram.Backend(name, 1, endpoints, null, List.of());
    }

    static RouteProgram.Backend unresolved(String name, String reason) {
        return new RouteProgram.Backend(name, 1, List.of(), reason, List.of());
    }

    static HTTPRouteMatch prefix(String path) {
        return new HTTPRouteMatchBuilder().withNewPath().withType("PathPrefix").withValue(path).endPath().build();
    }

    static HTTPRouteMatch exact(String path) {
        return new HTTPRouteMatchBuilder().withNewPath().withType("Exact").withValue(path).endPath().build();
    }

    static HTTPRouteMatch regex(String path) {
        return new HTTPRouteMatchBuilder().withNewPath().withType("RegularExpression").withValue(path).endPath().build();
    }

    static GatewayProgram gateway(String name, ListenerProgram... listeners) {
        return new GatewayProgram("istio-system", name, List.of(listeners));
    }
}

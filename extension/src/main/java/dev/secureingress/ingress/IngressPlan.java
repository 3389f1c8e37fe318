package dev.secureingress.ingress;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatchBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns hosts into the Gateway API objects the Istio "Secure Gateways" task writes by hand: one Gateway
 * with an HTTPS listener per host on port 443 (TLS terminated with the host's credential Secret) and
 * one HTTPRoute per host. Everything lives in the plan's namespace; routes attach from the same
 * namespace. The Secrets themselves come from the PKI (see {@link #secretName(String)} for their names).
 *
 * @param names the generated names (namespace, gateway, per-host names)
 * @param hosts the hosts, each hostname at most once
 */
public record IngressPlan(IngressNames names, List<HostSpec> hosts) {

    /** The gateway class Istio serves. */
    public static final String GATEWAY_CLASS = "istio";
    /** The port every host's listener uses, as in the seed. */
    public static final int HTTPS_PORT = 443;

    public IngressPlan {
        Objects.requireNonNull(names, "names");
        hosts = List.copyOf(hosts);
        requireDistinctHosts(hosts);
    }

    /**
     * Checks that no hostname is declared twice (two HTTPS listeners on one port cannot share a hostname).
     *
     * @throws IllegalArgumentException naming the host, both declarations and the fix
     */
    public static void requireDistinctHosts(List<HostSpec> hosts) {
        Map<String, HostSpec> seen = new HashMap<>();
        for (HostSpec host : hosts) {
            HostSpec earlier = seen.putIfAbsent(host.hostname(), host);
            if (earlier != null) {
                throw new IllegalArgumentException("host " + host.hostname() + " is declared twice (" + describe(earlier)
                        + " and " + describe(host) + "); a listener hostname can appear once per port: "
                        + "merge the paths into one host or use another hostname");
            }
        }
    }

    /** The host with that name. */
    public HostSpec host(String hostname) {
        return hosts.stream().filter(h -> h.hostname().equals(hostname)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no host " + hostname + " in this ingress; declared hosts: "
                        + hosts.stream().map(HostSpec::hostname).toList()));
    }

    /** The name of the Secret that holds the host's credential. */
    public String secretName(String hostname) {
        return names.secret(hostname);
    }

    /** The Gateway: one HTTPS listener per host, all on port 443. */
    public Gateway gateway() {
        List<Listener> listeners = new ArrayList<>();
        for (HostSpec host : hosts) {
            listeners.add(listener(host));
        }
        return new GatewayBuilder()
                .withNewMetadata().withNamespace(names.namespace()).withName(names.gateway()).endMetadata()
                .withNewSpec()
                .withGatewayClassName(GATEWAY_CLASS)
                .withListeners(listeners)
                .endSpec()
                .build();
    }

    /** One HTTPRoute per host, in the order the hosts were given. */
    public List<HTTPRoute> routes() {
        return hosts.stream().map(this::route).toList();
    }

    private Listener listener(HostSpec host) {
        ListenerBuilder listener = new ListenerBuilder()
                .withName(names.listener(host.hostname()))
                .withHostname(host.hostname())
                .withPort(HTTPS_PORT)
                .withProtocol("HTTPS")
                .withNewTls()
                .withMode("Terminate")
                .addNewCertificateRef().withName(secretName(host.hostname())).endCertificateRef()
                .endTls()
                .withNewAllowedRoutes().withNewNamespaces().withFrom("Same").endNamespaces().endAllowedRoutes();
        if (host.tlsMode() != TlsMode.SIMPLE) {
            listener.editTls().addToOptions(TlsMode.LISTENER_OPTION, host.tlsMode().name()).endTls();
        }
        return listener.build();
    }

    private HTTPRoute route(HostSpec host) {
        List<HTTPRouteMatch> matches = host.paths().stream()
                .map(path -> new HTTPRouteMatchBuilder()
                        .withNewPath().withType(host.pathType().apiValue()).withValue(path).endPath()
                        .build())
                .toList();
        return new HTTPRouteBuilder()
                .withNewMetadata().withNamespace(names.namespace()).withName(names.route(host.hostname())).endMetadata()
                .withNewSpec()
                .addNewParentRef()
                .withName(names.gateway()).withNamespace(names.namespace())
                .withSectionName(names.listener(host.hostname()))
                .endParentRef()
                .withHostnames(host.hostname())
                .addNewRule()
                .withMatches(matches)
                .addNewBackendRef().withName(host.backendService()).withPort(host.backendPort()).endBackendRef()
                .endRule()
                .endSpec()
                .build();
    }

    private static String describe(HostSpec host) {
        return host.backendService() + ":" + host.backendPort() + " " + host.pathType() + " " + host.paths();
    }
}

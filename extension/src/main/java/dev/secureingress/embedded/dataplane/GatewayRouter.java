package dev.secureingress.embedded.dataplane;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPURLRewriteFilter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.HttpConversionUtil;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides what happens to one request on one port: which listener serves it (421 when its {@code Host}
 * belongs to another listener than the one TLS was terminated for), which rule matches (404 when none),
 * which filters apply, and which backend endpoint gets it (500 when the rule has no usable backend, 503 when
 * the backend has no endpoints).
 */
final class GatewayRouter {

    /** Hop-by-hop headers a proxy does not forward (RFC 9110 section 7.6.1). */
    private static final List<CharSequence> HOP_BY_HOP = List.of(HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE, HttpHeaderNames.PROXY_AUTHORIZATION);

    private GatewayRouter() {
    }

    /**
     * @param port        the port's listeners now
     * @param sniListener the listener TLS was terminated for; {@code null} on HTTP ports
     * @param request     the request as received
     * @param client      the client's address, for {@code x-forwarded-for}
     */
    static RouteDecision decide(PortListeners port, String sniListener, HttpRequest request,
                                InetSocketAddress client) {
        RequestView view = RequestView.of(request);
        ServedListener listener;
        if (port.tls()) {
            listener = port.named(sniListener);
            if (listener == null) {
                return RouteDecision.Reply.of(HttpResponseStatus.NOT_FOUND,
                        "listener " + sniListener + " is no longer served");
            }
            ServedListener hostListener = port.forHostname(view.host());
            if (hostListener != null && hostListener != listener
                    && HostnameMatch.specificity(listener.hostname(), view.host()) < HostnameMatch.specificity(
                    hostListener.hostname(), view.host())) {
                return RouteDecision.Reply.of(HttpResponseStatus.MISDIRECTED_REQUEST, "host " + view.host()
                        + " belongs to listener " + hostListener.name() + ", not to " + listener.name()
                        + " this TLS connection was made for");
            }
        } else {
            listener = port.forHostname(view.host());
            if (listener == null) {
                return RouteDecision.Reply.of(HttpResponseStatus.NOT_FOUND, "no listener for host " + view.host());
            }
        }
        Optional<RouteTable.Candidate> selected = listener.routes().select(view);
        if (selected.isEmpty()) {
            return RouteDecision.Reply.of(HttpResponseStatus.NOT_FOUND, "no route matches " + view.method() + " "
                    + view.host() + view.path());
        }
        try {
            return forward(selected.get(), view, request, client, port);
        } catch (IllegalStateException unusable) {
            return RouteDecision.Reply.of(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    selected.get().describe() + ": " + unusable.getMessage());
        }
    }

    private static RouteDecision forward(RouteTable.Candidate candidate, RequestView view, HttpRequest request,
                                         InetSocketAddress client, PortListeners port) {
        RouteProgram.Rule rule = candidate.rule();
        for (HTTPRouteFilter filter : rule.filters()) {
            if (filter.getRequestRedirect() != null) {
                String location = RouteFilters.redirectLocation(filter.getRequestRedirect(), view,
                        candidate.matcher(), port.tls(), port.logicalPort());
                int status = filter.getRequestRedirect().getStatusCode() == null ? 302
                        : filter.getRequestRedirect().getStatusCode();
                HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.LOCATION, location);
                return new RouteDecision.Reply(HttpResponseStatus.valueOf(status), "", "redirect to " + location,
                        headers);
            }
            if (filter.getExtensionRef() != null) {
                throw new IllegalStateException("extensionRef filters are not supported");
            }
        }
        RouteProgram.Backend backend = pickBackend(rule.backends());
        if (backend == null) {
            return RouteDecision.Reply.of(HttpResponseStatus.INTERNAL_SERVER_ERROR, candidate.describe()
                    + " has no backend to send the request to");
        }
        if (!backend.resolved()) {
            return RouteDecision.Reply.of(HttpResponseStatus.INTERNAL_SERVER_ERROR, "backend " + backend.name()
                    + " is not resolved: " + backend.unresolvedReason());
        }
        if (backend.endpoints().isEmpty()) {
            return RouteDecision.Reply.of(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    RouteDecision.Reply.NO_HEALTHY_UPSTREAM, "backend " + backend.name() + " has no ready endpoints");
        }
        InetSocketAddress endpoint = backend.endpoints().get(
                ThreadLocalRandom.current().nextInt(backend.endpoints().size()));

        HttpHeaders headers = forwardedHeaders(request.headers(), client, port.tls());
        String path = view.path();
        List<HTTPHeaderFilter> responseModifiers = new ArrayList<>();
        List<HTTPRouteFilter> filters = new ArrayList<>(rule.filters());
        filters.addAll(backend.filters());
        for (HTTPRouteFilter filter : filters) {
            RouteFilters.modifyHeaders(filter.getRequestHeaderModifier(), headers);
            if (filter.getResponseHeaderModifier() != null) {
                responseModifiers.add(filter.getResponseHeaderModifier());
            }
            HTTPURLRewriteFilter rewrite = filter.getUrlRewrite();
            if (rewrite != null) {
                if (rewrite.getHostname() != null) {
                    headers.set(HttpHeaderNames.HOST, rewrite.getHostname());
                }
                path = RouteFilters.modifyPath(rewrite.getPath(), path, candidate.matcher());
            }
        }
        String uri = view.query().isEmpty() ? path : path + "?" + view.query();
        HttpRequest upstream = new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), uri, headers);
        return new RouteDecision.Forward(backend.name(), endpoint, upstream, responseModifiers, rule.requestTimeout());
    }

    /** A weighted random choice; {@code null} when there is none or all weights are 0. */
    private static RouteProgram.Backend pickBackend(List<RouteProgram.Backend> backends) {
        int total = 0;
        for (RouteProgram.Backend backend : backends) {
            total += Math.max(0, backend.weight());
        }
        if (total == 0) {
            return null;
        }
        int ticket = ThreadLocalRandom.current().nextInt(total);
        for (RouteProgram.Backend backend : backends) {
            ticket -= Math.max(0, backend.weight());
            if (ticket < 0) {
                return backend;
            }
        }
        throw new AssertionError("weights changed while picking");
    }

    /**
     * The request headers minus hop-by-hop ones, plus {@code x-forwarded-for}, {@code x-forwarded-proto} and
     * Envoy's request headers ({@link EnvoyHeaders}).
     */
    private static HttpHeaders forwardedHeaders(HttpHeaders received, InetSocketAddress client, boolean secure) {
        HttpHeaders headers = new DefaultHttpHeaders().add(received);
        String connectionTokens = received.get(HttpHeaderNames.CONNECTION);
        if (connectionTokens != null) {
            for (String token : connectionTokens.split(",")) {
                headers.remove(token.trim());
            }
        }
        HOP_BY_HOP.forEach(headers::remove);
        for (HttpConversionUtil.ExtensionHeaderNames http2Extension : HttpConversionUtil.ExtensionHeaderNames.values()) {
            headers.remove(http2Extension.text());
        }
        String clientIp = client.getAddress().getHostAddress();
        String forwardedFor = headers.get("x-forwarded-for");
        headers.set("x-forwarded-for", forwardedFor == null ? clientIp : forwardedFor + ", " + clientIp);
        headers.set("x-forwarded-proto", secure ? "https" : "http");
        EnvoyHeaders.onForwardedRequest(headers);
        return headers;
    }
}

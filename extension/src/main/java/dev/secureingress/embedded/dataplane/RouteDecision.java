package dev.secureingress.embedded.dataplane;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** What the gateway does with one request: answer it itself, or forward it to a backend endpoint. */
sealed interface RouteDecision {

    /**
     * The gateway answers: an error (404, 421, 500, 503, 504) or a redirect. The client gets the body Envoy sends
     * for the same case, so a test passes or fails alike on Istio; the reason, which says what is wrong in this
     * gateway's terms, goes to the log.
     *
     * @param status  the status
     * @param body    the plain-text body the client gets (empty for most of Envoy's local replies)
     * @param reason  why the gateway answers, for the log
     * @param headers extra response headers (for example {@code location})
     */
    record Reply(HttpResponseStatus status, String body, String reason, HttpHeaders headers) implements RouteDecision {

        /** Envoy's body when no endpoint of the backend is ready. */
        static final String NO_HEALTHY_UPSTREAM = "no healthy upstream";
        /** Envoy's body when the backend cannot be connected to, or fails before its response headers. */
        static final String UPSTREAM_RESET = "upstream connect error or disconnect/reset before headers. reset reason: ";
        /** Envoy's body when the route's request timeout runs out before the backend responds. */
        static final String UPSTREAM_TIMEOUT = "upstream request timeout";

        /** A reply with an empty body, as Envoy's no-route (404) and direct 500 replies have. */
        static Reply of(HttpResponseStatus status, String reason) {
            return new Reply(status, "", reason, new DefaultHttpHeaders());
        }

        static Reply of(HttpResponseStatus status, String body, String reason) {
            return new Reply(status, body, reason, new DefaultHttpHeaders());
        }
    }

    /**
     * The request goes to a backend.
     *
     * @param backend             the backend's name, for logs and error bodies
     * @param endpoint            the chosen endpoint
     * @param request             the request to send (filters and forwarding headers applied; no body framing yet)
     * @param responseModifiers   ResponseHeaderModifier filters of the rule and the backendRef, in order
     * @param timeout             {@code timeouts.request}, or {@code null}
     */
    record Forward(String backend, InetSocketAddress endpoint, HttpRequest request,
                   List<HTTPHeaderFilter> responseModifiers, Duration timeout) implements RouteDecision {
    }
}

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
     * The gateway answers: an error (404, 421, 500, 503) or a redirect.
     *
     * @param status  the status
     * @param reason  a short plain-text body saying why
     * @param headers extra response headers (for example {@code location})
     */
    record Reply(HttpResponseStatus status, String reason, HttpHeaders headers) implements RouteDecision {
        static Reply of(HttpResponseStatus status, String reason) {
            return new Reply(status, reason, new DefaultHttpHeaders());
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

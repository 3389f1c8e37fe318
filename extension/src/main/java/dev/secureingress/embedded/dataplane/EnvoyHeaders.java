package dev.secureingress.embedded.dataplane;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.Date;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The headers an Istio gateway's Envoy adds, so that responses and forwarded requests look as they do behind Istio:
 * {@code server: istio-envoy} on every response (Envoy overwrites the backend's), {@code date} on its own replies,
 * {@code x-envoy-upstream-service-time} (milliseconds the backend took) on forwarded responses, and
 * {@code x-request-id} and {@code x-envoy-attempt-count} on requests sent to a backend.
 */
final class EnvoyHeaders {

    static final String SERVER = "istio-envoy";
    static final String UPSTREAM_SERVICE_TIME = "x-envoy-upstream-service-time";
    static final String REQUEST_ID = "x-request-id";
    static final String ATTEMPT_COUNT = "x-envoy-attempt-count";

    private EnvoyHeaders() {
    }

    /** Headers of a request about to go to a backend: a request id unless it has one, and its first attempt. */
    static void onForwardedRequest(HttpHeaders request) {
        if (!request.contains(REQUEST_ID)) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            // a version 4 UUID, from a generator that does not contend between event loops
            long most = (random.nextLong() & ~0xF000L) | 0x4000L;
            long least = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
            request.set(REQUEST_ID, new UUID(most, least).toString());
        }
        request.set(ATTEMPT_COUNT, "1");
    }

    /** Headers of a backend's response on its way to the client. */
    static void onForwardedResponse(HttpHeaders response, long upstreamMillis) {
        response.set(HttpHeaderNames.SERVER, SERVER);
        response.set(UPSTREAM_SERVICE_TIME, Long.toString(upstreamMillis));
    }

    /** Headers of a reply the gateway makes itself (no route, no healthy upstream, timeouts, redirects). */
    static void onLocalReply(HttpHeaders response) {
        response.set(HttpHeaderNames.SERVER, SERVER);
        response.set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
    }
}

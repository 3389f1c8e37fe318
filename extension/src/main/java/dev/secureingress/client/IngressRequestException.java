package dev.secureingress.client;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A request that got no HTTP response: the handshake failed, the connection was refused or reset, or it timed
 * out. Carries the classified {@link HandshakeFailure} and the curl command that reproduces the request.
 */
public final class IngressRequestException extends UncheckedIOException {

    private final transient IngressRequest request;
    private final transient HandshakeFailure failure;
    private final transient CurlCommand curl;

    IngressRequestException(IngressRequest request, String endpoint, HandshakeFailure failure, CurlCommand curl,
                            IOException cause) {
        super(request + " via " + endpoint + " failed: " + failure + "\n  reproduce with: " + curl, cause);
        this.request = request;
        this.failure = failure;
        this.curl = curl;
    }

    /** The request that failed. */
    public IngressRequest request() {
        return request;
    }

    /** Why it failed. */
    public HandshakeFailure failure() {
        return failure;
    }

    /** The curl command that sends the same request. */
    public CurlCommand curl() {
        return curl;
    }
}

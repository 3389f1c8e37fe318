package dev.secureingress.client;

import dev.secureingress.tls.DistinguishedNames;
import java.nio.charset.Charset;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A response from the gateway, with what the TLS handshake showed: the protocol version and the certificate
 * chain the server presented (as sent, leaf first). Immutable.
 */
public final class IngressResponse {

    private final IngressRequest request;
    private final int status;
    private final ResponseHeaders headers;
    private final byte[] body;
    private final Charset charset;
    private final String httpProtocol;
    private final String tlsVersion;
    private final String cipherSuite;
    private final List<X509Certificate> presentedChain;
    private final CurlCommand curl;

    IngressResponse(IngressRequest request, int status, ResponseHeaders headers, byte[] body, Charset charset,
                    String httpProtocol, String tlsVersion, String cipherSuite,
                    List<X509Certificate> presentedChain, CurlCommand curl) {
        this.request = Objects.requireNonNull(request, "request");
        this.status = status;
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = body.clone();
        this.charset = charset;
        this.httpProtocol = httpProtocol;
        this.tlsVersion = tlsVersion;
        this.cipherSuite = cipherSuite;
        this.presentedChain = List.copyOf(presentedChain);
        this.curl = Objects.requireNonNull(curl, "curl");
    }

    /** The request this answers. */
    public IngressRequest request() {
        return request;
    }

    /** The HTTP status code. */
    public int status() {
        return status;
    }

    /** All response headers; names are case-insensitive. */
    public Map<String, List<String>> headers() {
        return headers.asMap();
    }

    /** The first value of a header (case-insensitive name). */
    public Optional<String> header(String name) {
        return headers.first(name);
    }

    /** The body decoded with the response's charset (UTF-8 if none is given). */
    public String body() {
        return new String(body, charset);
    }

    /** The raw body bytes. */
    public byte[] bodyBytes() {
        return body.clone();
    }

    /** {@code http/1.1} or {@code h2}. */
    public String httpProtocol() {
        return httpProtocol;
    }

    /** The negotiated TLS version, {@code TLSv1.3} or {@code TLSv1.2}. */
    public String tlsVersion() {
        return tlsVersion;
    }

    /** The negotiated cipher suite. */
    public String cipherSuite() {
        return cipherSuite;
    }

    /** The chain the server presented on the connection that carried this response, leaf first. */
    public List<X509Certificate> presentedChain() {
        return presentedChain;
    }

    /** The leaf certificate the server presented. */
    public X509Certificate serverCertificate() {
        return presentedChain.get(0);
    }

    /** The curl command that sends the same request. */
    public CurlCommand curl() {
        return curl;
    }

    @Override
    public String toString() {
        X509Certificate leaf = presentedChain.isEmpty() ? null : presentedChain.get(0);
        return request + " -> " + status + " (" + httpProtocol + ", " + tlsVersion
                + (leaf == null ? "" : ", served " + DistinguishedNames.display(leaf.getSubjectX500Principal())
                + " issued by " + DistinguishedNames.display(leaf.getIssuerX500Principal())) + ")";
    }
}

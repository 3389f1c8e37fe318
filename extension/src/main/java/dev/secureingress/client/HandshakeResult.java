package dev.secureingress.client;

import dev.secureingress.tls.DistinguishedNames;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a TLS handshake with the gateway, made by {@link IngressClient#probe(String)} without sending
 * HTTP: the chain the server presented (also when it was not trusted) and either the negotiated TLS version or
 * the classified {@link HandshakeFailure}. Immutable.
 */
public final class HandshakeResult {

    private final String serverName;
    private final int port;
    private final InetSocketAddress endpoint;
    private final List<X509Certificate> presentedChain;
    private final String tlsVersion;
    private final boolean clientCertificateRequested;
    private final HandshakeFailure failure;
    private final CurlCommand curl;

    private HandshakeResult(String serverName, int port, InetSocketAddress endpoint,
                            List<X509Certificate> presentedChain, String tlsVersion,
                            boolean clientCertificateRequested, HandshakeFailure failure, CurlCommand curl) {
        this.serverName = serverName;
        this.port = port;
        this.endpoint = endpoint;
        this.presentedChain = List.copyOf(presentedChain);
        this.tlsVersion = tlsVersion;
        this.clientCertificateRequested = clientCertificateRequested;
        this.failure = failure;
        this.curl = Objects.requireNonNull(curl, "curl");
    }

    static HandshakeResult succeeded(String serverName, int port, InetSocketAddress endpoint,
                                     List<X509Certificate> chain, String tlsVersion,
                                     boolean clientCertificateRequested, CurlCommand curl) {
        return new HandshakeResult(serverName, port, endpoint, chain, tlsVersion, clientCertificateRequested,
                null, curl);
    }

    static HandshakeResult failed(String serverName, int port, InetSocketAddress endpoint,
                                  List<X509Certificate> chain, String tlsVersion,
                                  boolean clientCertificateRequested, HandshakeFailure failure, CurlCommand curl) {
        return new HandshakeResult(serverName, port, endpoint, chain, tlsVersion, clientCertificateRequested,
                Objects.requireNonNull(failure, "failure"), curl);
    }

    /** The SNI server name sent. */
    public String serverName() {
        return serverName;
    }

    /** The logical port probed. */
    public int port() {
        return port;
    }

    /** Where the connection really went. */
    public InetSocketAddress endpoint() {
        return endpoint;
    }

    /** Whether the handshake completed and the server kept the connection. */
    public boolean succeeded() {
        return failure == null;
    }

    /** Why the handshake failed; empty if it succeeded. */
    public Optional<HandshakeFailure> failure() {
        return Optional.ofNullable(failure);
    }

    /** The chain the server presented, leaf first, trusted or not; empty if the server sent none. */
    public List<X509Certificate> presentedChain() {
        return presentedChain;
    }

    /** The negotiated TLS version, if the handshake got that far. */
    public Optional<String> tlsVersion() {
        return Optional.ofNullable(tlsVersion);
    }

    /** Whether the server asked for a client certificate (mutual TLS). */
    public boolean clientCertificateRequested() {
        return clientCertificateRequested;
    }

    /** A curl command that makes the same handshake (it then sends {@code GET /}). */
    public CurlCommand curl() {
        return curl;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("handshake with ").append(serverName).append(':').append(port)
                .append(" via ").append(GatewayRoutes.hostAndPort(endpoint)).append(": ");
        text.append(failure == null ? "succeeded (" + tlsVersion + ")" : "failed, " + failure);
        if (!presentedChain.isEmpty()) {
            X509Certificate leaf = presentedChain.get(0);
            text.append("; server presented ").append(DistinguishedNames.display(leaf.getSubjectX500Principal()))
                    .append(" issued by ").append(DistinguishedNames.display(leaf.getIssuerX500Principal()));
        }
        return text.toString();
    }
}

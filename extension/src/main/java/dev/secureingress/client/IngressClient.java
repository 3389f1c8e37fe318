package dev.secureingress.client;

import dev.secureingress.tls.DistinguishedNames;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.ConnectionSpec;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.TlsVersion;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * An HTTPS client for an ingress gateway that trusts only the CA certificates it is given and reaches virtual
 * hosts the way {@code curl --resolve} does: the URL keeps the virtual host name and the listener's logical port
 * (so SNI, hostname verification and the {@code Host} header are what a real client would send), while the
 * connection goes to the gateway's address and real port. Immutable and thread-safe; close it to release
 * pooled connections.
 *
 * <pre>{@code
 * try (IngressClient client = IngressClient.builder()
 *         .trust(seed.root1())
 *         .resolve("httpbin.example.com", cluster.gatewayEndpoint("istio-system", "mygateway", 443))
 *         .freshConnections()
 *         .build()) {
 *     IngressResponse teapot = client.get("https://httpbin.example.com/status/418");
 *     HandshakeResult handshake = client.probe("httpbin.example.com");
 * }
 * }</pre>
 *
 * <p>Only TLS 1.2 and 1.3 are offered; the server's certificate must validate against the given CAs and cover
 * the virtual host name. Redirects are not followed and failed connections are not retried, so that what a test
 * sees is what the gateway did. A request that gets no response throws {@link IngressRequestException} with the
 * classified {@link HandshakeFailure} and the equivalent curl command.
 */
public final class IngressClient implements AutoCloseable {

    private static final long MAX_BODY_BYTES = 16L * 1024 * 1024;
    private static final Set<String> METHODS_WITH_BODY = Set.of("POST", "PUT", "PATCH");

    private final PinnedTls tls;
    private final GatewayRoutes routes;
    private final boolean freshConnections;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration callTimeout;
    private final Duration postHandshakeWait;
    private final Path curlFilesDirectory;
    private final OkHttpClient http;
    private volatile boolean closed;

    private IngressClient(Builder builder) {
        this.tls = new PinnedTls(builder.trusted, builder.clientIdentity, builder.tlsVersions);
        if (builder.routes.isEmpty()) {
            throw new IllegalArgumentException("The IngressClient does not know where the gateway is; call"
                    + " resolve(host, gatewayEndpoint) or resolveAll(gatewayEndpoint) with the address from"
                    + " IngressCluster.gatewayEndpoint(namespace, gateway, 443)");
        }
        this.routes = new GatewayRoutes(builder.routes);
        this.freshConnections = builder.freshConnections;
        this.connectTimeout = builder.connectTimeout;
        this.readTimeout = builder.readTimeout;
        this.callTimeout = builder.callTimeout;
        this.postHandshakeWait = builder.postHandshakeWait;
        this.curlFilesDirectory = builder.curlFilesDirectory;
        this.http = newHttpClient();
    }

    /** A builder with the defaults: pooled connections, connect 10 s, read 30 s, whole call 60 s, TLS 1.3 and 1.2. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this client's settings, to derive another client (a new client certificate, ...). */
    public Builder newBuilder() {
        Builder builder = new Builder();
        builder.trusted.addAll(tls.trustedCertificates());
        builder.clientIdentity = tls.clientIdentity().orElse(null);
        builder.tlsVersions = tls.protocols();
        builder.routes.putAll(routes.entries());
        builder.freshConnections = freshConnections;
        builder.connectTimeout = connectTimeout;
        builder.readTimeout = readTimeout;
        builder.callTimeout = callTimeout;
        builder.postHandshakeWait = postHandshakeWait;
        builder.curlFilesDirectory = curlFilesDirectory;
        return builder;
    }

    private OkHttpClient newHttpClient() {
        TlsVersion[] versions = tls.protocols().stream().map(TlsVersion::forJavaName).toArray(TlsVersion[]::new);
        ConnectionSpec spec = new ConnectionSpec.Builder(ConnectionSpec.MODERN_TLS).tlsVersions(versions).build();
        return new OkHttpClient.Builder()
                .dns(routes.dns())
                .socketFactory(routes.socketFactory())
                .proxy(Proxy.NO_PROXY)
                .sslSocketFactory(freshConnections ? new FreshSessionSocketFactory(tls)
                        : tls.newContext().getSocketFactory(), tls.trustManager())
                .connectionSpecs(List.of(spec))
                // Fresh mode: a connection is closed as soon as its exchange is done, never reused.
                .connectionPool(freshConnections ? new ConnectionPool(0, 1, TimeUnit.SECONDS) : new ConnectionPool())
                .retryOnConnectionFailure(false)
                .followRedirects(false)
                .followSslRedirects(false)
                .fastFallback(false)
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .writeTimeout(readTimeout)
                .callTimeout(callTimeout)
                .addNetworkInterceptor(new HandshakeRecorder())
                .build();
    }

    /** {@code GET} an {@code https://} URL naming the virtual host and logical port. */
    public IngressResponse get(String url) {
        return send(IngressRequest.get(url));
    }

    /** {@code GET https://host/pathAndQuery} on the logical port 443. */
    public IngressResponse get(String host, String pathAndQuery) {
        return send(IngressRequest.get(host, pathAndQuery));
    }

    /**
     * Sends a request and reads the whole response.
     *
     * @throws IngressRequestException  if no HTTP response came back (handshake failure, refused, reset, timeout)
     * @throws IllegalArgumentException if the request's host and port are not mapped to a gateway address
     */
    public IngressResponse send(IngressRequest request) {
        ensureOpen();
        InetSocketAddress endpoint = routes.require(request.host(), request.port());
        CurlCommand curl = CurlCommand.of(request, endpoint, tls, curlFilesDirectory);
        HandshakeDetails handshake = new HandshakeDetails();
        Request.Builder call = new Request.Builder()
                .url(request.url())
                .header("Host", request.host())
                .tag(HandshakeDetails.class, handshake);
        request.headers().forEach(header -> call.addHeader(header.getKey(), header.getValue()));
        RequestBody body = request.body()
                .map(bytes -> RequestBody.create(bytes, MediaType.parse(request.contentType().orElseThrow())))
                .orElse(METHODS_WITH_BODY.contains(request.method()) ? RequestBody.create(new byte[0], null) : null);
        call.method(request.method(), body);
        try (Response response = http.newCall(call.build()).execute()) {
            long length = response.body().contentLength();
            if (length > MAX_BODY_BYTES) {
                throw new IllegalStateException(request + " answered with a " + length + "-byte body; the"
                        + " IngressClient reads at most " + MAX_BODY_BYTES + " bytes");
            }
            byte[] bytes = response.body().bytes();
            MediaType contentType = response.body().contentType();
            Charset charset = contentType == null ? StandardCharsets.UTF_8
                    : contentType.charset(StandardCharsets.UTF_8);
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            response.headers().forEach(pair -> headers.add(Map.entry(pair.getFirst(), pair.getSecond())));
            return new IngressResponse(request, response.code(), new ResponseHeaders(headers), bytes, charset,
                    response.protocol().toString(), handshake.tlsVersion, handshake.cipherSuite, handshake.chain,
                    curl);
        } catch (IOException e) {
            throw new IngressRequestException(request, GatewayRoutes.hostAndPort(endpoint),
                    HandshakeFailure.classify(e), curl, e);
        }
    }

    /** Probes the handshake with SNI {@code serverName} on the logical port 443; see {@link #probe(String, int)}. */
    public HandshakeResult probe(String serverName) {
        return probe(serverName, IngressRequest.DEFAULT_PORT);
    }

    /**
     * Makes a TLS handshake with SNI {@code serverName} (presenting the client certificate if there is one and
     * the server asks) and reports the chain the server presented, or why the handshake failed. Sends no HTTP.
     *
     * <p>In TLS 1.3 a server checks the client's certificate after the client has finished its side of the
     * handshake; when the server asked for one, the probe therefore waits up to
     * {@linkplain Builder#postHandshakeWait(Duration) the post-handshake wait} for an alert such as
     * {@code certificate_required} before it reports success.
     */
    public HandshakeResult probe(String serverName, int port) {
        ensureOpen();
        String host = HostNames.requireHostName(serverName);
        InetSocketAddress endpoint = routes.require(host, port);
        CurlCommand curl = CurlCommand.of(IngressRequest.builder(host, port, "/").build(), endpoint, tls,
                curlFilesDirectory);
        InspectingTrustManager trust = new InspectingTrustManager(tls.trustManager());
        PinnedTls.ClientKeyManager keys = new PinnedTls.ClientKeyManager(tls.clientIdentity().orElse(null));
        SSLContext context = tls.newContext(trust, keys);
        String version = null;
        try (Socket raw = new Socket(Proxy.NO_PROXY)) {
            raw.setTcpNoDelay(true);
            raw.connect(endpoint.isUnresolved() ? new InetSocketAddress(endpoint.getHostString(), endpoint.getPort())
                    : endpoint, Math.toIntExact(connectTimeout.toMillis()));
            raw.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
            try (SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(raw, host, port, true)) {
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setProtocols(tls.protocols().toArray(String[]::new));
                parameters.setServerNames(List.of(new SNIHostName(host)));
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(parameters);
                ssl.startHandshake();
                SSLSession session = ssl.getSession();
                version = session.getProtocol();
                List<X509Certificate> chain = peerChain(session);
                if ("TLSv1.3".equals(version) && keys.certificateRequested()) {
                    ssl.setSoTimeout(Math.toIntExact(postHandshakeWait.toMillis()));
                    try {
                        if (ssl.getInputStream().read() < 0) {
                            return HandshakeResult.failed(host, port, endpoint, chain, version, true,
                                    HandshakeFailure.closedAfterHandshake(), curl);
                        }
                    } catch (SocketTimeoutException quiet) {
                        // No alert: the server accepted the client certificate and now waits for a request.
                    }
                }
                return HandshakeResult.succeeded(host, port, endpoint, chain, version, keys.certificateRequested(),
                        curl);
            }
        } catch (IOException e) {
            return HandshakeResult.failed(host, port, endpoint, trust.presentedChain(), version,
                    keys.certificateRequested(), HandshakeFailure.classify(e), curl);
        }
    }

    /** The curl command that sends {@code request} the way this client would. */
    public CurlCommand curl(IngressRequest request) {
        return CurlCommand.of(request, routes.require(request.host(), request.port()), tls, curlFilesDirectory);
    }

    /** Where requests to {@code host:logicalPort} really go. */
    public InetSocketAddress gatewayEndpoint(String host, int logicalPort) {
        return routes.require(HostNames.requireHostName(host), logicalPort);
    }

    /** The CA certificates this client trusts, and nothing else. */
    public List<X509Certificate> trustedCertificates() {
        return tls.trustedCertificates();
    }

    /** The client certificate presented for mutual TLS, if any. */
    public Optional<X509Certificate> clientCertificate() {
        return tls.clientIdentity().map(ClientIdentity::certificate);
    }

    /** Whether every request opens a new connection with a full handshake. */
    public boolean freshConnections() {
        return freshConnections;
    }

    /** Closes pooled connections. The client cannot be used afterwards. */
    @Override
    public void close() {
        closed = true;
        http.connectionPool().evictAll();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("This IngressClient is closed; build a new one");
        }
    }

    @Override
    public String toString() {
        String trusted = tls.trustedCertificates().stream()
                .map(certificate -> DistinguishedNames.display(certificate.getSubjectX500Principal()))
                .collect(Collectors.joining("; "));
        return "IngressClient[trusts " + trusted + "; routes " + routes.describe()
                + tls.clientIdentity().map(identity -> "; client certificate "
                + DistinguishedNames.display(identity.certificate().getSubjectX500Principal())).orElse("")
                + (freshConnections ? "; fresh connections" : "; pooled connections") + "]";
    }

    private static List<X509Certificate> peerChain(SSLSession session) throws SSLPeerUnverifiedException {
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate certificate : session.getPeerCertificates()) {
            chain.add((X509Certificate) certificate);
        }
        return chain;
    }

    /** What the TLS session of the connection that carried one exchange showed. */
    private static final class HandshakeDetails {
        private volatile String tlsVersion;
        private volatile String cipherSuite;
        private volatile List<X509Certificate> chain = List.of();
    }

    /** Copies the raw presented chain and TLS version of each exchange's connection into its request. */
    private static final class HandshakeRecorder implements Interceptor {
        @Override
        public Response intercept(Chain chain) throws IOException {
            HandshakeDetails details = chain.request().tag(HandshakeDetails.class);
            Connection connection = chain.connection();
            if (details != null && connection != null && connection.socket() instanceof SSLSocket ssl) {
                SSLSession session = ssl.getSession();
                details.tlsVersion = session.getProtocol();
                details.cipherSuite = session.getCipherSuite();
                details.chain = List.copyOf(peerChain(session));
            }
            return chain.proceed(chain.request());
        }
    }

    /** Builds an {@link IngressClient}. At least one trusted CA and one gateway mapping are required. */
    public static final class Builder {
        private final List<X509Certificate> trusted = new ArrayList<>();
        private final Map<GatewayRoutes.Key, InetSocketAddress> routes = new LinkedHashMap<>();
        private ClientIdentity clientIdentity;
        private List<String> tlsVersions = PinnedTls.SUPPORTED_PROTOCOLS;
        private boolean freshConnections;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration callTimeout = Duration.ofSeconds(60);
        private Duration postHandshakeWait = Duration.ofSeconds(1);
        private Path curlFilesDirectory;

        private Builder() {
        }

        /** Trusts these CA certificates (in addition to those trusted already). Platform roots are never trusted. */
        public Builder trust(X509Certificate... caCertificates) {
            return trust(Arrays.asList(caCertificates));
        }

        /** Trusts these CA certificates (in addition to those trusted already). */
        public Builder trust(List<X509Certificate> caCertificates) {
            caCertificates.forEach(certificate -> trusted.add(Objects.requireNonNull(certificate, "caCertificate")));
            return this;
        }

        /** Trusts the certificate of these CAs, as {@code curl --cacert} with their certificate files would. */
        public Builder trust(CertificateAuthority... authorities) {
            for (CertificateAuthority authority : authorities) {
                trusted.add(authority.certificate());
            }
            return this;
        }

        /** Forgets the CAs trusted so far; useful with {@link IngressClient#newBuilder()}. */
        public Builder trustNothingYet() {
            trusted.clear();
            return this;
        }

        /** Sends requests for {@code host} on the logical port 443 to the gateway endpoint, like {@code --resolve}. */
        public Builder resolve(String host, InetSocketAddress gatewayEndpoint) {
            return resolve(host, IngressRequest.DEFAULT_PORT, gatewayEndpoint);
        }

        /** Sends requests for {@code host:logicalPort} to the gateway endpoint (its address and real port). */
        public Builder resolve(String host, int logicalPort, InetSocketAddress gatewayEndpoint) {
            routes.put(new GatewayRoutes.Key(HostNames.requireHostName(host), requirePort(logicalPort)),
                    Objects.requireNonNull(gatewayEndpoint, "gatewayEndpoint"));
            return this;
        }

        /** Sends requests for any host on the logical port 443 to the gateway endpoint (host entries win). */
        public Builder resolveAll(InetSocketAddress gatewayEndpoint) {
            return resolveAll(IngressRequest.DEFAULT_PORT, gatewayEndpoint);
        }

        /** Sends requests for any host on {@code logicalPort} to the gateway endpoint (host entries win). */
        public Builder resolveAll(int logicalPort, InetSocketAddress gatewayEndpoint) {
            routes.put(new GatewayRoutes.Key(GatewayRoutes.ANY_HOST, requirePort(logicalPort)),
                    Objects.requireNonNull(gatewayEndpoint, "gatewayEndpoint"));
            return this;
        }

        /**
         * Presents this client certificate for mutual TLS whenever the server asks, as {@code curl --cert --key}.
         *
         * @param chain the client's certificate first, then any intermediates
         * @throws IllegalArgumentException if the key's algorithm does not match the certificate's
         */
        public Builder clientCertificate(List<X509Certificate> chain, PrivateKey privateKey) {
            this.clientIdentity = new ClientIdentity(chain, Objects.requireNonNull(privateKey, "privateKey"));
            return this;
        }

        /** Presents this credential (certificate, intermediates and key) for mutual TLS. */
        public Builder clientCertificate(Credential credential) {
            return clientCertificate(credential.chain(), credential.privateKey());
        }

        /** Presents no client certificate. */
        public Builder noClientCertificate() {
            this.clientIdentity = null;
            return this;
        }

        /** Opens a new connection with a full handshake for every request; see {@link #freshConnections(boolean)}. */
        public Builder freshConnections() {
            return freshConnections(true);
        }

        /**
         * With {@code true}, every request opens a new connection with a full handshake (no pooling, no TLS
         * session resumption), so it sees the certificate the gateway serves now: what rotation tests need.
         * Pooled connections (the default) keep the certificate they were opened with.
         */
        public Builder freshConnections(boolean fresh) {
            this.freshConnections = fresh;
            return this;
        }

        /** The TLS versions offered, among {@code TLSv1.3} and {@code TLSv1.2} (both by default). */
        public Builder tlsVersions(String... versions) {
            if (versions.length == 0) {
                throw new IllegalArgumentException("Offer at least one TLS version: TLSv1.3 or TLSv1.2");
            }
            this.tlsVersions = List.of(versions);
            return this;
        }

        /** How long connecting may take; 10 s unless set. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = requirePositive(timeout, "connectTimeout");
            return this;
        }

        /** How long the handshake and each read may wait; 30 s unless set. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = requirePositive(timeout, "readTimeout");
            return this;
        }

        /** How long a whole request may take, from connecting to reading the body; 60 s unless set. */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = requirePositive(timeout, "callTimeout");
            return this;
        }

        /**
         * How long a TLS 1.3 {@linkplain IngressClient#probe(String) probe} waits after the handshake for the
         * server's verdict on the client certificate (an alert), when the server asked for one; 1 s unless set.
         */
        public Builder postHandshakeWait(Duration wait) {
            this.postHandshakeWait = requirePositive(wait, "postHandshakeWait");
            return this;
        }

        /** Where curl commands of this client write their PEM files on demand ({@link CurlCommand#writeFiles()}). */
        public Builder curlFilesDirectory(Path directory) {
            this.curlFilesDirectory = directory.toAbsolutePath().normalize();
            return this;
        }

        /**
         * @throws IllegalArgumentException if no CA is trusted, no gateway is mapped, or a TLS version is unsupported
         */
        public IngressClient build() {
            return new IngressClient(this);
        }

        private static int requirePort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("Logical port " + port + " is not in 1..65535; use the"
                        + " listener's port from the Gateway, such as 443");
            }
            return port;
        }

        private static Duration requirePositive(Duration duration, String name) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, was " + duration);
            }
            return duration;
        }
    }
}

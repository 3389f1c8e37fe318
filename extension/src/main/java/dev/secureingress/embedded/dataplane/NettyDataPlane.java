package dev.secureingress.embedded.dataplane;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The embedded gateway's data plane on Netty: every Gateway gets its own address (a distinct loopback
 * address on Linux) with one server socket per listener port; HTTPS listeners terminate TLS with the
 * certificate their SNI selects (MUTUAL and OPTIONAL_MUTUAL verify client certificates); requests are routed
 * per the Gateway API and proxied to backend endpoints over pooled HTTP/1.1 connections.
 *
 * <pre>{@code
 * try (NettyDataPlane dataPlane = NettyDataPlane.builder().portPolicy(PortPolicy.EPHEMERAL).build()) {
 *     ProgrammedGateway served = dataPlane.program(gatewayProgram);
 *     InetSocketAddress https = new InetSocketAddress(served.address(), served.boundPorts().get(443));
 * }
 * }</pre>
 *
 * <p>Reprogramming is cheap and immediate: each handshake and each request reads the current state; a
 * listener keeps its TLS context while its TLS settings stay the same, and a new certificate only replaces what
 * that context presents to the next handshake; open connections are kept (they keep the certificate they were
 * opened with).
 */
public final class NettyDataPlane implements DataPlane {

    private final PortPolicy portPolicy;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final ServerBootstrap serverBootstrap;
    private final BackendConnections backends;
    private final ServerTlsContexts tlsContexts = new ServerTlsContexts();
    private final GatewayAddresses addresses = GatewayAddresses.jvmWide();
    private final Map<String, GatewayServer> gateways = new LinkedHashMap<>();
    private boolean closed;

    private NettyDataPlane(Builder builder) {
        this.portPolicy = builder.portPolicy;
        this.acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gateway-accept", true),
                NioIoHandler.newFactory());
        this.workers = new MultiThreadIoEventLoopGroup(builder.ioThreads, new DefaultThreadFactory("gateway-io", true),
                NioIoHandler.newFactory());
        this.serverBootstrap = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true);
        this.backends = new BackendConnections(builder.backendConnectTimeout);
    }

    /** A data plane with ephemeral ports and as many I/O threads as processors. */
    public static NettyDataPlane create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException naming the listener when a program cannot be served (an HTTPS listener
     *                                  without certificate, MUTUAL without client CAs, HTTP and HTTPS on one port);
     *                                  nothing changes then
     * @throws GatewayBindException     when some listener ports could not be bound; the others are served
     */
    @Override
    public synchronized ProgrammedGateway program(GatewayProgram program) {
        Objects.requireNonNull(program, "program");
        if (closed) {
            throw new IllegalStateException("the data plane is closed");
        }
        String key = program.namespace() + "/" + program.name();
        GatewayServer server = gateways.get(key);
        boolean created = server == null;
        if (created) {
            server = new GatewayServer(key, addresses.allocate(), portPolicy, serverBootstrap, backends);
            gateways.put(key, server);
        }
        try {
            return server.program(program, tlsContexts);
        } catch (IllegalArgumentException invalid) {
            if (created) {
                gateways.remove(key);
                server.close();
                addresses.release(server.address());
            }
            throw invalid;
        } finally {
            forgetUnusedTlsContexts();
        }
    }

    /** Where a Gateway is served, if it is programmed. */
    public synchronized Optional<ProgrammedGateway> programmed(String namespace, String name) {
        return Optional.ofNullable(gateways.get(namespace + "/" + name)).map(GatewayServer::programmed);
    }

    @Override
    public synchronized void remove(String namespace, String name) {
        GatewayServer server = gateways.remove(namespace + "/" + name);
        if (server != null) {
            server.close();
            addresses.release(server.address());
            forgetUnusedTlsContexts();
        }
    }

    /** Stops every Gateway, closes backend connections and the I/O threads. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (GatewayServer server : gateways.values()) {
            server.close();
            addresses.release(server.address());
        }
        gateways.clear();
        backends.close();
        acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** How many HTTPS listeners have a TLS context; for tests. */
    synchronized int cachedTlsContexts() {
        return tlsContexts.size();
    }

    private void forgetUnusedTlsContexts() {
        List<String> inUse = new ArrayList<>();
        gateways.values().forEach(server -> inUse.addAll(server.tlsListeners()));
        tlsContexts.retainOnly(inUse);
    }

    /** Configures a {@link NettyDataPlane}. */
    public static final class Builder {
        private PortPolicy portPolicy = PortPolicy.EPHEMERAL;
        private int ioThreads = Runtime.getRuntime().availableProcessors();
        private Duration backendConnectTimeout = Duration.ofSeconds(5);

        private Builder() {
        }

        /** How listener ports are bound; {@link PortPolicy#EPHEMERAL} unless set. */
        public Builder portPolicy(PortPolicy portPolicy) {
            this.portPolicy = Objects.requireNonNull(portPolicy, "portPolicy");
            return this;
        }

        /** Threads serving connections; the number of processors unless set. */
        public Builder ioThreads(int ioThreads) {
            if (ioThreads < 1) {
                throw new IllegalArgumentException("ioThreads must be at least 1, was " + ioThreads);
            }
            this.ioThreads = ioThreads;
            return this;
        }

        /** How long connecting to a backend endpoint may take before the request gets 503; 5 s unless set. */
        public Builder backendConnectTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("backendConnectTimeout must be positive, was " + timeout);
            }
            this.backendConnectTimeout = timeout;
            return this;
        }

        public NettyDataPlane build() {
            return new NettyDataPlane(this);
        }
    }
}

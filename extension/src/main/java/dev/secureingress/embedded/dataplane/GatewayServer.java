package dev.secureingress.embedded.dataplane;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * One Gateway as served: its address, one server socket per listener port, and per port the current
 * {@link PortListeners}, which reprogramming swaps atomically. Not thread-safe; {@link NettyDataPlane}
 * serializes calls.
 */
final class GatewayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

    private final String gateway;
    private final InetAddress address;
    private final PortPolicy portPolicy;
    private final ServerBootstrap bootstrap;
    private final BackendConnections backends;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Map<Integer, BoundPort> ports = new TreeMap<>();
    private List<String> tlsListeners = List.of();

    GatewayServer(String gateway, InetAddress address, PortPolicy portPolicy, ServerBootstrap bootstrap,
                  BackendConnections backends) {
        this.gateway = gateway;
        this.address = address;
        this.portPolicy = portPolicy;
        this.bootstrap = bootstrap;
        this.backends = backends;
    }

    InetAddress address() {
        return address;
    }

    /** The names of the HTTPS listeners served, as {@link ServerTlsContexts} knows them. */
    List<String> tlsListeners() {
        return tlsListeners;
    }

    /**
     * Serves {@code program}: compiles every listener first (bad input throws before anything changes), then
     * puts the listeners' certificates in effect, swaps the state of ports already bound and binds new ports. A
     * port no listener uses any more stays bound with no listener (every handshake is reset) until the Gateway is
     * removed, the way Istio's gateway Service keeps its ports while a listener's Secret is deleted and created
     * again: clients that looked the port up once still reach it.
     */
    ProgrammedGateway program(GatewayProgram program, ServerTlsContexts tlsContexts) {
        Map<Integer, List<ServedListener>> byPort = new TreeMap<>();
        for (ListenerProgram listener : program.listeners()) {
            byPort.computeIfAbsent(listener.port(), port -> new ArrayList<>()).add(compile(listener, tlsContexts));
        }
        Map<Integer, PortListeners> states = new TreeMap<>();
        byPort.forEach((port, listeners) -> states.put(port, portState(port, listeners)));

        List<String> tls = new ArrayList<>();
        byPort.values().stream().flatMap(List::stream).map(ServedListener::tls).filter(Objects::nonNull)
                .forEach(prepared -> {
                    tlsContexts.activate(prepared);
                    tls.add(prepared.listener());
                });

        Map<Integer, String> failures = new LinkedHashMap<>();
        states.forEach((port, state) -> {
            BoundPort bound = ports.get(port);
            if (bound != null) {
                bound.state().set(state);
            } else {
                try {
                    ports.put(port, bind(port, state));
                } catch (IllegalStateException bindFailure) {
                    failures.put(port, bindFailure.getMessage());
                }
            }
        });
        ports.forEach((port, bound) -> {
            PortListeners previous = bound.state().get();
            if (!states.containsKey(port) && !previous.listeners().isEmpty()) {
                bound.state().set(new PortListeners(gateway, port, previous.tls(), List.of()));
                LOG.info("Gateway {}: port {} serves no listener now; it stays bound on {}", gateway, port,
                        bound.boundPort());
            }
        });
        tlsListeners = List.copyOf(tls);
        ProgrammedGateway programmed = programmed();
        if (!failures.isEmpty()) {
            throw new GatewayBindException(gateway, programmed, failures);
        }
        return programmed;
    }

    ProgrammedGateway programmed() {
        Map<Integer, Integer> bound = new TreeMap<>();
        ports.forEach((port, binding) -> bound.put(port, binding.boundPort()));
        return new ProgrammedGateway(address, bound);
    }

    private ServedListener compile(ListenerProgram listener, ServerTlsContexts tlsContexts) {
        String name = gateway + " listener " + listener.name();
        if (listener.protocol() == ListenerProgram.Protocol.HTTPS && listener.tls() == null) {
            throw new IllegalArgumentException("HTTPS " + name + " has no TlsProgram; give it the certificates to serve");
        }
        if (listener.protocol() == ListenerProgram.Protocol.HTTP && listener.tls() != null) {
            throw new IllegalArgumentException("HTTP " + name + " has a TlsProgram; only HTTPS listeners terminate TLS");
        }
        return new ServedListener(listener,
                listener.tls() == null ? null : tlsContexts.prepare(name, listener.tls()),
                RouteTable.compile(listener.routes()));
    }

    private PortListeners portState(int port, List<ServedListener> listeners) {
        long https = listeners.stream().filter(l -> l.sslContext() != null).count();
        if (https != 0 && https != listeners.size()) {
            throw new IllegalArgumentException("Gateway " + gateway + " port " + port + " has both HTTP and HTTPS "
                    + "listeners (" + listeners.stream().map(ServedListener::name).collect(Collectors.joining(", "))
                    + "); listeners sharing a port must share the protocol (the others are Conflicted)");
        }
        return new PortListeners(gateway, port, https != 0, listeners);
    }

    private BoundPort bind(int logicalPort, PortListeners state) {
        AtomicReference<PortListeners> current = new AtomicReference<>(state);
        List<Integer> candidates = switch (portPolicy) {
            case EPHEMERAL -> List.of(0);
            case LOGICAL_OR_OFFSET -> logicalPort + PortPolicy.OFFSET <= 0xFFFF
                    ? List.of(logicalPort, logicalPort + PortPolicy.OFFSET) : List.of(logicalPort);
        };
        List<String> errors = new ArrayList<>();
        for (int candidate : candidates) {
            ChannelFuture bound = bootstrap.clone()
                    .childHandler(new GatewayPipelines(current, backends, connections))
                    .bind(address, candidate);
            if (!bound.awaitUninterruptibly(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                bound.cancel(false);
                errors.add(candidate + ": no answer within " + BIND_TIMEOUT.toSeconds() + " s");
            } else if (bound.isSuccess()) {
                Channel channel = bound.channel();
                int boundPort = ((InetSocketAddress) channel.localAddress()).getPort();
                LOG.info("Gateway {}: {} port {} served on {}:{}", gateway, state.tls() ? "HTTPS" : "HTTP",
                        logicalPort, address.getHostAddress(), boundPort);
                return new BoundPort(channel, boundPort, current);
            } else {
                errors.add((candidate == 0 ? "an ephemeral port" : String.valueOf(candidate)) + ": "
                        + bound.cause().getMessage());
            }
        }
        throw new IllegalStateException(String.join("; ", errors));
    }

    /** Closes the server sockets and every connection the Gateway accepted. */
    @Override
    public void close() {
        ports.values().forEach(port -> port.channel().close().awaitUninterruptibly(BIND_TIMEOUT.toMillis()));
        ports.clear();
        connections.close().awaitUninterruptibly(BIND_TIMEOUT.toMillis());
        LOG.info("Gateway {}: stopped serving on {}", gateway, address.getHostAddress());
    }

    private record BoundPort(Channel channel, int boundPort, AtomicReference<PortListeners> state) {
    }
}

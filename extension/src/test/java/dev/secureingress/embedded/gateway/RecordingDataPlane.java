package dev.secureingress.embedded.gateway;

import dev.secureingress.embedded.dataplane.DataPlane;
import dev.secureingress.embedded.dataplane.GatewayBindException;
import dev.secureingress.embedded.dataplane.GatewayProgram;
import dev.secureingress.embedded.dataplane.ListenerProgram;
import dev.secureingress.embedded.dataplane.ProgrammedGateway;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A data plane that binds nothing: it records every program and removal, gives each Gateway its own
 * address (127.0.1.x) and reports each listener port bound at port + {@link #PORT_OFFSET}. Ports given to
 * {@link #refusePort} fail to bind the way a port already in use does.
 */
final class RecordingDataPlane implements DataPlane {

    static final int PORT_OFFSET = 40000;

    private final Map<String, GatewayProgram> current = new ConcurrentHashMap<>();
    private final Map<String, InetAddress> addresses = new HashMap<>();
    private final List<GatewayProgram> history = new ArrayList<>();
    private final List<String> removed = new ArrayList<>();
    private final Set<Integer> refusedPorts = ConcurrentHashMap.newKeySet();
    private final AtomicReference<CountDownLatch> held = new AtomicReference<>();

    @Override
    public ProgrammedGateway program(GatewayProgram program) {
        CountDownLatch hold = held.getAndSet(null);
        if (hold != null) {
            try {
                hold.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return record(program);
    }

    /**
     * Holds the next {@link #program} call (and with it the controller's pass) until the returned latch is
     * counted down.
     */
    CountDownLatch holdNextProgram() {
        CountDownLatch hold = new CountDownLatch(1);
        held.set(hold);
        return hold;
    }

    private synchronized ProgrammedGateway record(GatewayProgram program) {
        String key = program.namespace() + "/" + program.name();
        history.add(program);
        current.put(key, program);
        InetAddress address = addresses.computeIfAbsent(key, k -> loopback(addresses.size() + 2));
        Map<Integer, Integer> bound = new HashMap<>();
        Map<Integer, String> failed = new HashMap<>();
        for (ListenerProgram listener : program.listeners()) {
            if (refusedPorts.contains(listener.port())) {
                failed.put(listener.port(), "Address already in use");
            } else {
                bound.put(listener.port(), listener.port() + PORT_OFFSET);
            }
        }
        ProgrammedGateway programmed = new ProgrammedGateway(address, bound);
        if (!failed.isEmpty()) {
            throw new GatewayBindException(key, programmed, failed);
        }
        return programmed;
    }

    @Override
    public synchronized void remove(String namespace, String name) {
        removed.add(namespace + "/" + name);
        current.remove(namespace + "/" + name);
    }

    @Override
    public void close() {
    }

    /** The program last applied for the Gateway, unless it was removed since. */
    Optional<GatewayProgram> current(String namespace, String name) {
        return Optional.ofNullable(current.get(namespace + "/" + name));
    }

    synchronized InetAddress address(String namespace, String name) {
        return addresses.get(namespace + "/" + name);
    }

    synchronized long programCount(String namespace, String name) {
        return history.stream().filter(p -> p.namespace().equals(namespace) && p.name().equals(name)).count();
    }

    synchronized boolean wasRemoved(String namespace, String name) {
        return removed.contains(namespace + "/" + name);
    }

    void refusePort(int port) {
        refusedPorts.add(port);
    }

    private static InetAddress loopback(int last) {
        try {
            return InetAddress.getByAddress(new byte[]{127, 0, 1, (byte) last});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}

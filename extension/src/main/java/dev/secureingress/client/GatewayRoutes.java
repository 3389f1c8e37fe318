package dev.secureingress.client;

import okhttp3.Dns;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where a virtual host and logical port really are: the {@code curl --resolve host:port:address} table of an
 * {@link IngressClient}.
 *
 * <p>OkHttp connects to {@code (dns.lookup(host), url.port)}. The {@link #dns() Dns} answers with the gateway's
 * address, tagged with the virtual host name (no reverse lookups), and the {@link #socketFactory() socket factory}
 * rewrites the logical port to the gateway's real port on connect. The URL, and so SNI, hostname verification
 * and the {@code Host} header, keep the virtual host and logical port.
 */
final class GatewayRoutes {

    /** Matches every host name. */
    static final String ANY_HOST = "*";

    private final Map<Key, InetSocketAddress> endpoints;

    GatewayRoutes(Map<Key, InetSocketAddress> endpoints) {
        this.endpoints = Map.copyOf(endpoints);
    }

    record Key(String host, int logicalPort) {
        @Override
        public String toString() {
            return host + ":" + logicalPort;
        }
    }

    Map<Key, InetSocketAddress> entries() {
        return endpoints;
    }

    /** The gateway endpoint for a virtual host and logical port, if mapped (a host-specific entry wins). */
    Optional<InetSocketAddress> find(String host, int logicalPort) {
        String normalized = host.toLowerCase(Locale.ROOT);
        InetSocketAddress exact = endpoints.get(new Key(normalized, logicalPort));
        return Optional.ofNullable(exact != null ? exact : endpoints.get(new Key(ANY_HOST, logicalPort)));
    }

    /** Like {@link #find} but fails with a message that tells how to add the missing entry. */
    InetSocketAddress require(String host, int logicalPort) {
        return find(host, logicalPort).orElseThrow(() -> new IllegalArgumentException(
                "No gateway address for " + host + ":" + logicalPort + "; this client maps " + describe()
                        + ". Add IngressClient.builder().resolve(\"" + host + "\", " + logicalPort
                        + ", gatewayEndpoint) or resolveAll(" + logicalPort + ", gatewayEndpoint)"));
    }

    /** The table for messages, such as {@code httpbin.example.com:443 -> 127.0.0.2:31443}. */
    String describe() {
        if (endpoints.isEmpty()) {
            return "nothing";
        }
        return endpoints.entrySet().stream()
                .map(entry -> entry.getKey() + " -> " + hostAndPort(entry.getValue()))
                .sorted()
                .collect(Collectors.joining(", "));
    }

    static String hostAndPort(InetSocketAddress endpoint) {
        String host = endpoint.isUnresolved() ? endpoint.getHostString() : endpoint.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + endpoint.getPort();
    }

    Dns dns() {
        return this::lookup;
    }

    SocketFactory socketFactory() {
        return new PortMappingSocketFactory();
    }

    private List<InetAddress> lookup(String host) throws UnknownHostException {
        List<InetSocketAddress> candidates = endpointsForHost(host);
        if (candidates.isEmpty()) {
            throw new UnknownHostException("No gateway address for host " + host + "; this client maps "
                    + describe() + ". Add IngressClient.builder().resolve(\"" + host + "\", gatewayEndpoint)");
        }
        // The port is not known here; rewrite() puts the right endpoint in place on connect.
        InetSocketAddress first = candidates.get(0);
        List<InetAddress> addresses = new ArrayList<>();
        for (InetAddress address : addressesOf(first)) {
            // Tag the address with the virtual host so the socket factory can find the entry again.
            addresses.add(InetAddress.getByAddress(host, address.getAddress()));
        }
        return addresses;
    }

    private List<InetSocketAddress> endpointsForHost(String host) {
        String normalized = host.toLowerCase(Locale.ROOT);
        List<InetSocketAddress> exact = new ArrayList<>();
        List<InetSocketAddress> wildcard = new ArrayList<>();
        endpoints.forEach((key, endpoint) -> {
            if (key.host().equals(normalized)) {
                exact.add(endpoint);
            } else if (key.host().equals(ANY_HOST)) {
                wildcard.add(endpoint);
            }
        });
        return exact.isEmpty() ? wildcard : exact;
    }

    private static List<InetAddress> addressesOf(InetSocketAddress endpoint) throws UnknownHostException {
        if (!endpoint.isUnresolved()) {
            return List.of(endpoint.getAddress());
        }
        return List.of(InetAddress.getAllByName(endpoint.getHostString()));
    }

    /** Where a connection to {@code target} (an address from {@link #dns()}) must really go. */
    InetSocketAddress rewrite(InetSocketAddress target) {
        // getHostString() returns the virtual host the address was tagged with, without a reverse lookup.
        Optional<InetSocketAddress> endpoint = find(target.getHostString(), target.getPort());
        if (endpoint.isEmpty()) {
            return target;
        }
        InetSocketAddress gateway = endpoint.get();
        return gateway.isUnresolved()
                ? new InetSocketAddress(target.getAddress(), gateway.getPort())
                : new InetSocketAddress(gateway.getAddress(), gateway.getPort());
    }

    private final class PortMappingSocketFactory extends SocketFactory {

        /**
         * A socket that connects to the rewritten endpoint, with Nagle's algorithm off as curl has it: after a
         * TLS 1.3 handshake the request would otherwise wait for the ACK of the client's Finished message,
         * which the server delays (up to 40 ms on Linux).
         */
        @Override
        public Socket createSocket() throws IOException {
            Socket socket = new Socket() {
                @Override
                public void connect(SocketAddress endpoint, int timeout) throws IOException {
                    super.connect(endpoint instanceof InetSocketAddress inet ? rewrite(inet) : endpoint, timeout);
                }
            };
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            Socket socket = createSocket();
            socket.connect(new InetSocketAddress(host, port));
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            Socket socket = createSocket();
            socket.bind(new InetSocketAddress(localHost, localPort));
            socket.connect(new InetSocketAddress(host, port));
            return socket;
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            Socket socket = createSocket();
            socket.connect(new InetSocketAddress(host, port));
            return socket;
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            Socket socket = createSocket();
            socket.bind(new InetSocketAddress(localAddress, localPort));
            socket.connect(new InetSocketAddress(address, port));
            return socket;
        }
    }
}

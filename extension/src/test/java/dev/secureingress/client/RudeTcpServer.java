package dev.secureingress.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Assumptions;

/** A TCP server that misbehaves on purpose: resets every connection, or accepts and never answers. */
public final class RudeTcpServer implements AutoCloseable {

    /**
     * Port 1 (tcpmux) on the loopback address: privileged and unused, so, unlike a port a test has just closed,
     * no other process on a busy machine takes it over.
     */
    private static final InetSocketAddress UNUSED = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);

    private final ServerSocket serverSocket;
    private final Set<Socket> held = ConcurrentHashMap.newKeySet();
    private final boolean reset;

    private RudeTcpServer(boolean reset) throws IOException {
        this.reset = reset;
        this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "rude-tcp-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** An address where nothing listens: connecting is refused. Skips the test if something does listen there. */
    public static InetSocketAddress nothingListening() {
        try (Socket probe = new Socket()) {
            probe.connect(UNUSED, 5_000);
        } catch (IOException refused) {
            return UNUSED;
        }
        Assumptions.abort("something listens on " + UNUSED + ", which the connection-refused tests rely on being unused");
        return UNUSED;
    }

    /** Accepts and immediately resets (RST) every connection, as a gateway without a listener for the SNI. */
    static RudeTcpServer resettingEveryConnection() throws IOException {
        return new RudeTcpServer(true);
    }

    /** Accepts connections and never sends a byte. */
    static RudeTcpServer silent() throws IOException {
        return new RudeTcpServer(false);
    }

    InetSocketAddress endpoint() {
        return new InetSocketAddress(serverSocket.getInetAddress(), serverSocket.getLocalPort());
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                if (reset) {
                    socket.getInputStream().read();
                    socket.setSoLinger(true, 0);
                    socket.close();
                } else {
                    held.add(socket);
                }
            } catch (IOException closed) {
                // closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        for (Socket socket : held) {
            socket.close();
        }
    }
}

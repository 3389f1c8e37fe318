package dev.secureingress.client;

import dev.secureingress.tls.Credential;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTPS/1.1 server for client tests, on an ephemeral loopback port: picks each host's credential by SNI
 * (replaceable while running, as a gateway rotating a secret), optionally requires client certificates, and
 * answers a few paths the way the sample apps do:
 * <ul>
 *   <li>{@code /status/418}: 418 with httpbin's body {@code I'm a teapot!}; {@code /status/<code>}: that status;</li>
 *   <li>{@code /hello}: helloworld's {@code Hello version: v1, instance: tls-test-server};</li>
 *   <li>anything else: 200 echoing the request ({@code method}, {@code path}, {@code host}, {@code sni},
 *   {@code body}, one per line).</li>
 * </ul>
 */
public final class TlsTestServer implements AutoCloseable {

    public static final String HELLO_INSTANCE = "tls-test-server";

    private final Map<String, String> aliasByHost = new ConcurrentHashMap<>();
    private final Map<String, Credential> credentialByAlias = new ConcurrentHashMap<>();
    private final AtomicInteger aliases = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "tls-test-server");
        thread.setDaemon(true);
        return thread;
    });
    private final ServerSocket serverSocket;
    private final SSLSocketFactory tls;
    private final List<String> protocols;
    private final boolean clientAuth;

    private TlsTestServer(Map<String, Credential> hosts, X509Certificate clientCa, List<String> protocols)
            throws Exception {
        hosts.forEach(this::serve);
        SSLContext context = SSLContext.getInstance("TLS");
        TrustManager[] trust = null;
        if (clientCa != null) {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            anchors.setCertificateEntry("client-ca", clientCa);
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(anchors);
            trust = factory.getTrustManagers();
        }
        context.init(new KeyManager[] {new SniKeyManager()}, trust, null);
        this.tls = context.getSocketFactory();
        this.protocols = List.copyOf(protocols);
        this.clientAuth = clientCa != null;
        this.serverSocket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        workers.execute(this::acceptLoop);
    }

    /** A server for the given hosts. */
    public static TlsTestServer serving(String host, Credential credential) throws Exception {
        return new Builder().serve(host, credential).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Serves {@code credential} for SNI {@code host} from the next handshake on (open connections keep theirs). */
    public void serve(String host, Credential credential) {
        String alias = host + "#" + aliases.incrementAndGet();
        credentialByAlias.put(alias, credential);
        aliasByHost.put(host.toLowerCase(Locale.ROOT), alias);
    }

    /** Where the server listens. */
    public InetSocketAddress endpoint() {
        return new InetSocketAddress(serverSocket.getInetAddress(), serverSocket.getLocalPort());
    }

    /** How many TCP connections the server accepted so far. */
    public int connectionsAccepted() {
        return connections.get();
    }

    @Override
    public void close() throws IOException {
        serverSocket.close();
        for (Socket socket : open) {
            socket.close();
        }
        workers.shutdownNow();
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket socket = serverSocket.accept();
                connections.incrementAndGet();
                open.add(socket);
                workers.execute(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /**
     * Serves one connection. TLS runs on top of the accepted socket without owning it, so that after a failed
     * handshake the server can read what the client still sends before closing: closing with unread data would
     * make the kernel send a reset that can destroy the TLS alert before the client reads it.
     */
    private void serve(Socket plain) {
        try (plain) {
            SSLSocket socket = (SSLSocket) tls.createSocket(plain, null, false);
            socket.setEnabledProtocols(protocols.toArray(String[]::new));
            socket.setNeedClientAuth(clientAuth);
            try {
                exchange(socket);
            } catch (IOException e) {
                drain(plain);
            }
        } catch (IOException e) {
            // The client went away; its side is what tests look at.
        } finally {
            open.remove(plain);
        }
    }

    private static void drain(Socket plain) throws IOException {
        plain.setSoTimeout(2000);
        plain.shutdownOutput();
        InputStream in = plain.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) != -1) {
                // discard until the client closes
            }
        } catch (IOException timeoutOrReset) {
            // bounded: give up after the timeout
        }
    }

    private void exchange(SSLSocket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        while (true) {
            String head = readHead(in);
            if (head == null) {
                return;
            }
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            respond(out, requestLine[0], requestLine[1], headers, body, sniOf(socket));
        }
    }

    private static void respond(OutputStream out, String method, String path, Map<String, String> headers,
                                byte[] body, String sni) throws IOException {
        int status;
        String reason;
        String text;
        String extraHeaders = "";
        if (path.equals("/status/418")) {
            status = 418;
            reason = "I'm a teapot";
            text = "I'm a teapot!";
            extraHeaders = "X-More-Info: http://tools.ietf.org/html/rfc2324\r\n";
        } else if (path.matches("/status/\\d{3}")) {
            status = Integer.parseInt(path.substring("/status/".length()));
            reason = "Status";
            text = "";
        } else if (path.equals("/hello")) {
            status = 200;
            reason = "OK";
            text = "Hello version: v1, instance: " + HELLO_INSTANCE + "\n";
        } else {
            status = 200;
            reason = "OK";
            text = "method=" + method + "\npath=" + path + "\nhost=" + headers.get("host") + "\nsni=" + sni
                    + "\nbody=" + new String(body, StandardCharsets.UTF_8) + "\n";
        }
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        String response = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + extraHeaders
                + "Content-Length: " + payload.length + "\r\n\r\n";
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        out.write(payload);
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                String text = head.toString(StandardCharsets.ISO_8859_1);
                return text.substring(0, text.length() - 4);
            }
        }
        return null;
    }

    private static String sniOf(SSLSocket socket) {
        SSLSession session = socket.getHandshakeSession() != null ? socket.getHandshakeSession() : socket.getSession();
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
        }
        return null;
    }

    /** Chooses the credential by the SNI host name of the handshake in progress. */
    private final class SniKeyManager extends X509ExtendedKeyManager {

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            String sni = socket instanceof SSLSocket ssl ? sniOf(ssl) : null;
            String alias = sni == null ? null : aliasByHost.get(sni.toLowerCase(Locale.ROOT));
            if (alias == null) {
                return null;
            }
            String algorithm = credentialByAlias.get(alias).privateKey().getAlgorithm();
            boolean matches = algorithm.equals("EC") ? keyType.equals("EC")
                    : algorithm.equals("RSA") && (keyType.equals("RSA") || keyType.equals("RSASSA-PSS"));
            return matches ? alias : null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            Credential credential = credentialByAlias.get(alias);
            return credential == null ? null : credential.chain().toArray(X509Certificate[]::new);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            Credential credential = credentialByAlias.get(alias);
            return credential == null ? null : credential.privateKey();
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return credentialByAlias.keySet().toArray(String[]::new);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    public static final class Builder {
        private final Map<String, Credential> hosts = new HashMap<>();
        private X509Certificate clientCa;
        private List<String> protocols = List.of("TLSv1.3", "TLSv1.2");

        public Builder serve(String host, Credential credential) {
            hosts.put(host, credential);
            return this;
        }

        /** Requires a client certificate issued by {@code ca} (mutual TLS). */
        public Builder requireClientCertificates(X509Certificate ca) {
            this.clientCa = ca;
            return this;
        }

        public Builder protocols(String... protocols) {
            this.protocols = List.of(protocols);
            return this;
        }

        public TlsTestServer start() throws Exception {
            return new TlsTestServer(hosts, clientCa, protocols);
        }
    }
}

package dev.secureingress.embedded.dataplane;

import dev.secureingress.tls.Credential;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Real TLS clients for the data plane's tests: OkHttp for requests, a JDK socket for bare handshakes. */
final class TestClients {

    private TestClients() {
    }

    /**
     * An OkHttp client that resolves every hostname to {@code gateway}'s address, trusts only {@code ca} and
     * presents {@code clientCertificate} when given; no pooled connections when {@code fresh}.
     */
    static OkHttpClient https(InetSocketAddress gateway, X509Certificate ca, Credential clientCertificate,
                              boolean fresh, Protocol... protocols) {
        SSLContext tls = sslContext(ca, clientCertificate);
        OkHttpClient.Builder builder = new OkHttpClient.Builder()
                .dns(hostname -> List.of(gateway.getAddress()))
                .sslSocketFactory(tls.getSocketFactory(), trustManager(ca))
                .callTimeout(Duration.ofSeconds(30))
                .retryOnConnectionFailure(false);
        if (fresh) {
            builder.connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS));
        }
        if (protocols.length > 0) {
            builder.protocols(List.of(protocols));
        }
        return builder.build();
    }

    /** An OkHttp client for HTTP listeners that resolves every hostname to {@code gateway}'s address. */
    static OkHttpClient http(InetSocketAddress gateway) {
        return new OkHttpClient.Builder()
                .dns(hostname -> List.of(gateway.getAddress()))
                .callTimeout(Duration.ofSeconds(30))
                .followRedirects(false)
                .retryOnConnectionFailure(false)
                .build();
    }

    /**
     * A bare TLS handshake with {@code sni} (none when {@code null}); returns the chain the server presented.
     *
     * @throws IOException when the handshake fails, as the JDK reports it
     */
    static List<X509Certificate> handshake(InetSocketAddress gateway, String sni, X509Certificate ca,
                                           Credential clientCertificate) throws IOException {
        return handshake(gateway, sni, ca, clientCertificate, parameters -> {
        });
    }

    /** A bare TLS handshake whose parameters (protocols, cipher suites) the caller adjusts. */
    static List<X509Certificate> handshake(InetSocketAddress gateway, String sni, X509Certificate ca,
                                           Credential clientCertificate, Consumer<SSLParameters> adjust)
            throws IOException {
        return handshake(gateway, sni, sslContext(ca, clientCertificate), adjust);
    }

    /** A bare TLS handshake from {@code tls}, which may resume a session it holds from an earlier one. */
    static List<X509Certificate> handshake(InetSocketAddress gateway, String sni, SSLContext tls,
                                           Consumer<SSLParameters> adjust) throws IOException {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
            socket.connect(gateway, 10_000);
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
            adjust.accept(parameters);
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            // TLS 1.3 reports a rejected client certificate only after the handshake: read to see it
            try {
                socket.getOutputStream().write("GET / HTTP/1.1\r\nhost: probe\r\n\r\n".getBytes());
                socket.getOutputStream().flush();
            } catch (IOException writeFailed) {
                // the server may have sent its alert and closed already: reading surfaces the alert
                readAlertOrRethrow(socket, writeFailed);
            }
            socket.getInputStream().read();
            Certificate[] chain = socket.getSession().getPeerCertificates();
            return List.of(chain).stream().map(X509Certificate.class::cast).toList();
        }
    }

    private static void readAlertOrRethrow(SSLSocket socket, IOException writeFailed) throws IOException {
        try {
            socket.getInputStream().read();
        } catch (IOException readFailed) {
            readFailed.addSuppressed(writeFailed);
            throw readFailed;
        }
        throw writeFailed;
    }

    static SSLContext sslContext(X509Certificate ca, Credential clientCertificate) {
        try {
            KeyManagerFactory keyManagers = null;
            if (clientCertificate != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", clientCertificate.privateKey(), new char[0],
                        clientCertificate.chain().toArray(X509Certificate[]::new));
                keyManagers = KeyManagerFactory.getInstance("PKIX");
                keyManagers.init(keys, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers == null ? null : keyManagers.getKeyManagers(),
                    new javax.net.ssl.TrustManager[]{trustManager(ca)}, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static X509TrustManager trustManager(X509Certificate ca) {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", ca);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            return (X509TrustManager) factory.getTrustManagers()[0];
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

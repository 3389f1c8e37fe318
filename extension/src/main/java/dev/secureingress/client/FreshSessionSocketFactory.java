package dev.secureingress.client;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/**
 * Makes every TLS socket from a new {@link javax.net.ssl.SSLContext}, so that no connection can resume an
 * earlier TLS session: each handshake shows the certificate the server serves now.
 */
final class FreshSessionSocketFactory extends SSLSocketFactory {

    private final PinnedTls tls;
    private final SSLSocketFactory template;

    FreshSessionSocketFactory(PinnedTls tls) {
        this.tls = tls;
        this.template = tls.newContext().getSocketFactory();
    }

    private SSLSocketFactory fresh() {
        return tls.newContext().getSocketFactory();
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return template.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return template.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        return fresh().createSocket(socket, host, port, autoClose);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return fresh().createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return fresh().createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return fresh().createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return fresh().createSocket(address, port, localAddress, localPort);
    }
}

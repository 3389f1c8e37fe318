package dev.secureingress.client;

import dev.secureingress.tls.DistinguishedNames;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A trust manager for one handshake probe: remembers the chain the server presented (trusted or not) and
 * tells an untrusted chain apart from a host name that the trusted certificate does not cover.
 */
final class InspectingTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager pkix;
    private volatile List<X509Certificate> presentedChain = List.of();

    InspectingTrustManager(X509ExtendedTrustManager pkix) {
        this.pkix = pkix;
    }

    /** The chain the server presented, empty if the handshake did not get that far. */
    List<X509Certificate> presentedChain() {
        return presentedChain;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        presentedChain = List.of(chain);
        pkix.checkServerTrusted(chain, authType);
        try {
            pkix.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            String host = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession().getPeerHost() : "?";
            throw new HostnameMismatchException(host, chain[0], e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        presentedChain = List.of(chain);
        pkix.checkServerTrusted(chain, authType);
        try {
            pkix.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw new HostnameMismatchException(engine.getPeerHost(), chain[0], e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        presentedChain = List.of(chain);
        pkix.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("A client-side trust manager does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("A client-side trust manager does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("A client-side trust manager does not check clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }

    /** The chain is trusted but its leaf does not cover the host name that was asked for. */
    static final class HostnameMismatchException extends CertificateException {
        HostnameMismatchException(String host, X509Certificate leaf, CertificateException cause) {
            super("the certificate " + DistinguishedNames.display(leaf.getSubjectX500Principal())
                    + " does not cover host name "
                    + host + " (" + cause.getMessage() + ")", cause);
        }
    }
}

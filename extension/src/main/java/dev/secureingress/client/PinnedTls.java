package dev.secureingress.client;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The TLS side of an {@link IngressClient}: trust in exactly the given CA certificates (no platform roots),
 * TLS 1.2 or newer, and an optional client certificate that is always presented when the server asks, as
 * {@code curl --cert} does.
 */
final class PinnedTls {

    static final List<String> SUPPORTED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final List<X509Certificate> trustedCertificates;
    private final X509ExtendedTrustManager trustManager;
    private final ClientIdentity clientIdentity;
    private final List<String> protocols;

    PinnedTls(List<X509Certificate> trustedCertificates, ClientIdentity clientIdentity, List<String> protocols) {
        if (trustedCertificates.isEmpty()) {
            throw new IllegalArgumentException("An IngressClient trusts only the CA certificates it is given, and"
                    + " none were given; call trust(caCertificate) with the root that issued the gateway's"
                    + " certificate");
        }
        for (String protocol : protocols) {
            if (!SUPPORTED_PROTOCOLS.contains(protocol)) {
                throw new IllegalArgumentException("Unsupported TLS version '" + protocol + "'; use one of "
                        + SUPPORTED_PROTOCOLS);
            }
        }
        this.trustedCertificates = List.copyOf(trustedCertificates);
        this.trustManager = pkixTrustManager(this.trustedCertificates);
        this.clientIdentity = clientIdentity;
        this.protocols = List.copyOf(protocols);
    }

    List<X509Certificate> trustedCertificates() {
        return trustedCertificates;
    }

    Optional<ClientIdentity> clientIdentity() {
        return Optional.ofNullable(clientIdentity);
    }

    List<String> protocols() {
        return protocols;
    }

    /** PKIX validation against the trusted certificates only; checks the host name when the socket asks for it. */
    X509ExtendedTrustManager trustManager() {
        return trustManager;
    }

    /** A new context: no TLS session is shared with contexts made before, so nothing can be resumed. */
    SSLContext newContext(X509ExtendedTrustManager trust, ClientKeyManager keys) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keys}, new TrustManager[] {trust}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot set up TLS: " + e.getMessage(), e);
        }
    }

    SSLContext newContext() {
        return newContext(trustManager, new ClientKeyManager(clientIdentity));
    }

    private static X509ExtendedTrustManager pkixTrustManager(List<X509Certificate> trusted) {
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                anchors.setCertificateEntry("trusted-" + i, trusted.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(anchors);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("The JDK's PKIX TrustManagerFactory offers no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("Cannot build a trust store from the given CA certificates: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Presents the configured client certificate whenever the server requests one (whatever CAs it names),
     * and remembers whether it was asked.
     */
    static final class ClientKeyManager extends X509ExtendedKeyManager {
        private static final String ALIAS = "client";
        private final ClientIdentity identity;
        private volatile boolean certificateRequested;

        ClientKeyManager(ClientIdentity identity) {
            this.identity = identity;
        }

        boolean certificateRequested() {
            return certificateRequested;
        }

        private String choose() {
            certificateRequested = true;
            return identity == null ? null : ALIAS;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return choose();
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return choose();
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return identity == null ? null : new String[] {ALIAS};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return identity != null && ALIAS.equals(alias) ? identity.chain().toArray(X509Certificate[]::new) : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return identity != null && ALIAS.equals(alias) ? identity.privateKey() : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}

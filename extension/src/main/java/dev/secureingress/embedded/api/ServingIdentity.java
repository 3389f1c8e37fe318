package dev.secureingress.embedded.api;

import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/**
 * The TLS identity of the embedded API servers of this JVM: a CA of their own and a certificate for
 * {@code 127.0.0.1} and {@code localhost} that it issued. Each is made once per JVM, when first needed: the CA by the
 * seed objects (every namespace's {@link RootCaConfigMap} carries it), which start making it in the background
 * ({@link #prepareInBackground()}), or by a client that asks for the CA to trust ({@link #get()}); the serving
 * certificate by the first TLS handshake with any embedded server ({@link #keyManager()}). The servers also share one TLS context
 * ({@link #sslEngineOptions()}), so that a new server's first connection does not build one again.
 */
final class ServingIdentity {

    private static final String HOST = "127.0.0.1";
    /** Protects the key only inside the in-memory key store the key managers are built from. */
    private static final char[] IN_MEMORY_PASSWORD = "embedded".toCharArray();

    /**
     * BoringSSL (also the data plane's) handshakes several times faster than the JDK's engine. Which one is chosen
     * when the first server context is built, at the first handshake: loading BoringSSL costs the better part of
     * a second in a fresh JVM, which a cluster reached only in process never pays.
     */
    private static final SharedContextEngineOptions SSL_ENGINE_OPTIONS = new SharedContextEngineOptions();

    private final CertificateAuthority certificateAuthority;
    private X509ExtendedKeyManager servingKeyManager; // guarded by this, made at the first handshake

    private ServingIdentity(CertificateAuthority certificateAuthority) {
        this.certificateAuthority = certificateAuthority;
    }

    /** This JVM's identity, made on first use. */
    static ServingIdentity get() {
        return Holder.INSTANCE;
    }

    /**
     * Starts making this JVM's identity on a thread of its own, for a caller that needs it soon and has other work
     * to do first; {@link #get()} then waits for it instead of making it.
     */
    static void prepareInBackground() {
        Thread making = new Thread(ServingIdentity::get, "embedded-api-server-identity");
        making.setDaemon(true);
        making.start();
    }

    CertificateAuthority certificateAuthority() {
        return certificateAuthority;
    }

    /** The key manager presenting the serving certificate, which the CA issues on the first call. */
    private synchronized X509ExtendedKeyManager servingKeyManager() {
        if (servingKeyManager == null) {
            servingKeyManager = keyManager(certificateAuthority.issue().server(HOST, "localhost").build());
        }
        return servingKeyManager;
    }

    /**
     * A key manager presenting the serving certificate and its chain, for a server's TLS settings: the identity
     * is made when the first handshake asks for the certificate, not when the server starts.
     */
    static X509KeyManager keyManager() {
        return new MadeOnFirstHandshake();
    }

    /**
     * The TLS engine of every embedded API server in this JVM: BoringSSL where Netty has it, else the JDK's. All
     * servers present the same certificate with the same settings, so the server context is built once.
     */
    static SSLEngineOptions sslEngineOptions() {
        return SSL_ENGINE_OPTIONS;
    }

    /**
     * A JKS store rather than PKCS#12: PKCS#12 encrypts the key with 10,000 PBKDF2 rounds on every start,
     * which buys nothing for a store that never leaves memory.
     */
    private static X509ExtendedKeyManager keyManager(Credential serving) {
        try {
            KeyStore store = KeyStore.getInstance("JKS");
            store.load(null, null);
            store.setKeyEntry("serving", serving.privateKey(), IN_MEMORY_PASSWORD,
                    serving.chain().toArray(Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, IN_MEMORY_PASSWORD);
            return (X509ExtendedKeyManager) factory.getKeyManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot set up the embedded API server's TLS key: " + e.getMessage(), e);
        }
    }

    private static final class Holder {
        private static final ServingIdentity INSTANCE = create();

        private static ServingIdentity create() {
            return new ServingIdentity(CertificateAuthority.root("CN=secure-ingress embedded API server CA").build());
        }
    }

    /** Hands every question to this JVM's serving certificate, which the first question has the CA issue. */
    private static final class MadeOnFirstHandshake extends X509ExtendedKeyManager {

        private static X509ExtendedKeyManager identity() {
            return get().servingKeyManager();
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return identity().chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return identity().chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return identity().getServerAliases(keyType, issuers);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return identity().getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return identity().getPrivateKey(alias);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return identity().getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return identity().chooseClientAlias(keyTypes, issuers, socket);
        }
    }

    /** Engine options whose server context is built by the first server that asks and then shared. */
    private static final class SharedContextEngineOptions extends SSLEngineOptions {

        private SSLEngineOptions engine; // guarded by this, chosen when the first context is built
        private SslContext built;

        private synchronized SSLEngineOptions engine() {
            if (engine == null) {
                engine = OpenSSLEngineOptions.isAlpnAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions();
            }
            return engine;
        }

        /** Shared, not copied: the context it holds is the point. */
        @Override
        public SSLEngineOptions copy() {
            return this;
        }

        @Override
        public SslContextFactory sslContextFactory() {
            SslContextFactory settings = engine().sslContextFactory();
            return new SslContextFactory() {
                @Override
                public SslContextFactory useAlpn(boolean useAlpn) {
                    settings.useAlpn(useAlpn);
                    return this;
                }

                @Override
                public SslContextFactory forServer(ClientAuth clientAuth) {
                    settings.forServer(clientAuth);
                    return this;
                }

                @Override
                public SslContextFactory forClient(SNIServerName serverName, String endpointIdentificationAlgorithm) {
                    settings.forClient(serverName, endpointIdentificationAlgorithm);
                    return this;
                }

                @Override
                public SslContextFactory enabledProtocols(Set<String> protocols) {
                    settings.enabledProtocols(protocols);
                    return this;
                }

                @Override
                public SslContextFactory keyMananagerFactory(KeyManagerFactory factory) {
                    settings.keyMananagerFactory(factory);
                    return this;
                }

                @Override
                public SslContextFactory trustManagerFactory(TrustManagerFactory factory) {
                    settings.trustManagerFactory(factory);
                    return this;
                }

                @Override
                public SslContextFactory enabledCipherSuites(Set<String> cipherSuites) {
                    settings.enabledCipherSuites(cipherSuites);
                    return this;
                }

                @Override
                public SslContextFactory applicationProtocols(List<String> protocols) {
                    settings.applicationProtocols(protocols);
                    return this;
                }

                @Override
                public SslContext create() throws SSLException {
                    return sharedContext(settings);
                }
            };
        }

        private synchronized SslContext sharedContext(SslContextFactory settings) throws SSLException {
            if (built == null) {
                built = settings.create();
            }
            return built;
        }
    }
}

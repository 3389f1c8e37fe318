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
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Set;

/**
 * The TLS identity of the embedded API servers of this JVM: a CA of their own and a certificate for
 * {@code 127.0.0.1} and {@code localhost} that it issued. Made once per JVM (a second cluster in the same JVM
 * starts without generating keys); clients trust exactly this CA. The servers also share one TLS context
 * ({@link #sslEngineOptions()}), so that a new server's first connection does not build one again.
 */
final class ServingIdentity {

    private static final String HOST = "127.0.0.1";
    /** Protects the key only inside the in-memory key store the key managers are built from. */
    private static final char[] IN_MEMORY_PASSWORD = "embedded".toCharArray();

    private final CertificateAuthority certificateAuthority;
    private final KeyManagerFactory keyManagers;
    private final SharedContextEngineOptions sslEngineOptions;

    private ServingIdentity(CertificateAuthority certificateAuthority, Credential serving) {
        this.certificateAuthority = certificateAuthority;
        this.keyManagers = keyManagers(serving);
        // BoringSSL (also the data plane's) handshakes several times faster than the JDK's engine
        this.sslEngineOptions = new SharedContextEngineOptions(OpenSSLEngineOptions.isAlpnAvailable()
                ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions());
    }

    /** This JVM's identity, made on first use. */
    static ServingIdentity get() {
        return Holder.INSTANCE;
    }

    CertificateAuthority certificateAuthority() {
        return certificateAuthority;
    }

    /** Key managers presenting the serving certificate and its chain. */
    KeyManagerFactory keyManagers() {
        return keyManagers;
    }

    /**
     * The TLS engine of every embedded API server in this JVM: BoringSSL where Netty has it, else the JDK's. All
     * servers present the same certificate with the same settings, so the server context is built once.
     */
    SSLEngineOptions sslEngineOptions() {
        return sslEngineOptions;
    }

    /**
     * A JKS store rather than PKCS#12: PKCS#12 encrypts the key with 10,000 PBKDF2 rounds on every start,
     * which buys nothing for a store that never leaves memory.
     */
    private static KeyManagerFactory keyManagers(Credential serving) {
        try {
            KeyStore store = KeyStore.getInstance("JKS");
            store.load(null, null);
            store.setKeyEntry("serving", serving.privateKey(), IN_MEMORY_PASSWORD,
                    serving.chain().toArray(Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, IN_MEMORY_PASSWORD);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot set up the embedded API server's TLS key: " + e.getMessage(), e);
        }
    }

    private static final class Holder {
        private static final ServingIdentity INSTANCE = create();

        private static ServingIdentity create() {
            CertificateAuthority ca = CertificateAuthority.root("CN=secure-ingress embedded API server CA").build();
            return new ServingIdentity(ca, ca.issue().server(HOST, "localhost").build());
        }
    }

    /** Engine options whose server context is built by the first server that asks and then shared. */
    private static final class SharedContextEngineOptions extends SSLEngineOptions {

        private final SSLEngineOptions engine;
        private SslContext built;

        SharedContextEngineOptions(SSLEngineOptions engine) {
            this.engine = engine;
        }

        /** Shared, not copied: the context it holds is the point. */
        @Override
        public SSLEngineOptions copy() {
            return this;
        }

        @Override
        public SslContextFactory sslContextFactory() {
            SslContextFactory settings = engine.sslContextFactory();
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

package dev.secureingress.embedded.api;

import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;

/**
 * The TLS identity of the embedded API servers of this JVM: a CA of their own and a certificate for
 * {@code 127.0.0.1} and {@code localhost} that it issued. Made once per JVM (a second cluster in the same JVM
 * starts without generating keys); clients trust exactly this CA.
 */
final class ServingIdentity {

    private static final String HOST = "127.0.0.1";
    /** Protects the key only inside the in-memory key store the key managers are built from. */
    private static final char[] IN_MEMORY_PASSWORD = "embedded".toCharArray();

    private final CertificateAuthority certificateAuthority;
    private final KeyManagerFactory keyManagers;

    private ServingIdentity(CertificateAuthority certificateAuthority, Credential serving) {
        this.certificateAuthority = certificateAuthority;
        this.keyManagers = keyManagers(serving);
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
}

package dev.secureingress.embedded.dataplane;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server certificates one HTTPS listener presents, read by its TLS context at every handshake: replacing
 * them ({@link #present}) reaches the next handshake without building a new context, and connections that
 * are already open keep the certificate they were opened with.
 *
 * <p>Among several certificates (for example RSA and ECDSA) the one whose key type the handshake asks for is
 * chosen. With {@code anyKeyType} (BoringSSL, one certificate) the only certificate is offered whatever key
 * type is asked for: BoringSSL then negotiates what that key can sign.
 *
 * <p>Each set of certificates gets aliases of its own, and the previous set stays readable, so a handshake
 * that chose an alias just before a replacement still reads a matching key and chain.
 */
final class ListenerCertificates extends X509ExtendedKeyManager {

    private record Presented(long generation, List<TlsProgram.ServerCertificate> certificates) {
        String alias(int index) {
            return generation + "-" + index;
        }
    }

    private final boolean anyKeyType;
    private final AtomicLong generations = new AtomicLong();
    private final Map<String, TlsProgram.ServerCertificate> byAlias = new ConcurrentHashMap<>();
    private volatile Presented current;

    ListenerCertificates(List<TlsProgram.ServerCertificate> certificates, boolean anyKeyType) {
        this.anyKeyType = anyKeyType;
        present(certificates);
    }

    /**
     * Presents {@code certificates} from the next handshake on.
     *
     * @return whether they differ from the ones presented so far
     */
    synchronized boolean present(List<TlsProgram.ServerCertificate> certificates) {
        if (current != null && current.certificates().equals(certificates)) {
            return false;
        }
        Presented previous = current;
        Presented next = new Presented(generations.incrementAndGet(), List.copyOf(certificates));
        for (int i = 0; i < next.certificates().size(); i++) {
            byAlias.put(next.alias(i), next.certificates().get(i));
        }
        current = next;
        // keep the previous set for handshakes between choosing an alias and reading it; forget older ones
        long oldestKept = previous == null ? next.generation() : previous.generation();
        byAlias.keySet().removeIf(alias -> generationOf(alias) < oldestKept);
        return true;
    }

    /** The certificates presented to new handshakes. */
    List<TlsProgram.ServerCertificate> presented() {
        return current.certificates();
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseServerAlias(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return chooseServerAlias(keyType);
    }

    private String chooseServerAlias(String keyType) {
        Presented presented = current;
        List<TlsProgram.ServerCertificate> certificates = presented.certificates();
        for (int i = 0; i < certificates.size(); i++) {
            if (keyType != null && keyTypeMatches(keyType, certificates.get(i))) {
                return presented.alias(i);
            }
        }
        return anyKeyType && certificates.size() == 1 ? presented.alias(0) : null;
    }

    /**
     * Whether a certificate's key serves {@code keyType}: the JDK asks for {@code EC}, {@code RSA},
     * {@code RSASSA-PSS}; Netty's OpenSSL support for {@code EC}, {@code RSA}, {@code EC_EC}, {@code EC_RSA}
     * (ECDH keys, named by the key then the issuer's signature).
     */
    private static boolean keyTypeMatches(String keyType, TlsProgram.ServerCertificate certificate) {
        String algorithm = certificate.chain().get(0).getPublicKey().getAlgorithm();
        String key = algorithm.equals("ECDSA") ? "EC" : algorithm;
        return keyType.equals(key) || keyType.startsWith(key + "_");
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = chooseServerAlias(keyType);
        return alias == null ? null : new String[]{alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        TlsProgram.ServerCertificate certificate = alias == null ? null : byAlias.get(alias);
        return certificate == null ? null : certificate.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        TlsProgram.ServerCertificate certificate = alias == null ? null : byAlias.get(alias);
        return certificate == null ? null : certificate.privateKey();
    }

    /** Servers present certificates; they do not authenticate as clients. */
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    private static long generationOf(String alias) {
        return Long.parseLong(alias.substring(0, alias.indexOf('-')));
    }

    /** Never shows the private keys. */
    @Override
    public String toString() {
        return "ListenerCertificates" + current.certificates();
    }
}

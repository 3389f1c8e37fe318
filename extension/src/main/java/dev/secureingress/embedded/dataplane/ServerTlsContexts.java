package dev.secureingress.embedded.dataplane;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import dev.secureingress.tls.Credential;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server {@link SslContext}s for HTTPS listeners, cached by the content of their {@link TlsProgram}
 * (keys, chains, mode, client CAs) so that reprogramming an unchanged listener reuses its context.
 *
 * <p>Every context offers TLS 1.3 and 1.2 and ALPN {@code h2} and {@code http/1.1}. A listener with several
 * certificates (for example RSA and ECDSA) gets one key manager holding all of them, which picks the one the
 * client's signature algorithms allow.
 *
 * <p>TLS runs on BoringSSL (netty-tcnative) where it is available, as in Envoy: it answers a missing client
 * certificate under MUTUAL with TLS 1.3's {@code certificate_required} alert, where JDK 17 sends
 * {@code bad_certificate}. Listeners with several certificates use the JDK's TLS, whose key manager chooses
 * among them per handshake; so does everything where BoringSSL is not available.
 */
final class ServerTlsContexts {

    private static final char[] NO_PASSWORD = new char[0];
    private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    private final Map<TlsProgram, SslContext> contexts = new ConcurrentHashMap<>();

    /** The TLS implementation for a listener: OPENSSL (BoringSSL) or JDK. */
    static SslProvider providerFor(TlsProgram tls) {
        return tls.certificates().size() == 1 && OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** The context for a listener's TLS settings, built on first use. */
    SslContext contextFor(String listener, TlsProgram tls) {
        SslContext cached = contexts.get(tls);
        if (cached != null) {
            return cached;
        }
        SslContext built = build(listener, tls);
        SslContext raced = contexts.putIfAbsent(tls, built);
        return raced != null ? raced : built;
    }

    /** Forgets contexts no current listener uses. */
    void retainOnly(Collection<TlsProgram> inUse) {
        Set<TlsProgram> keep = Set.copyOf(inUse);
        contexts.keySet().removeIf(tls -> !keep.contains(tls));
    }

    int size() {
        return contexts.size();
    }

    private static SslContext build(String listener, TlsProgram tls) {
        if (tls.certificates().isEmpty()) {
            throw new IllegalArgumentException("HTTPS listener " + listener
                    + " has no server certificate; give its TlsProgram at least one certificate");
        }
        if (tls.mode() != TlsProgram.TerminateMode.SIMPLE && tls.clientCas().isEmpty()) {
            throw new IllegalArgumentException("HTTPS listener " + listener + " uses tls-terminate-mode "
                    + tls.mode() + " but has no client CA certificates; give the TlsProgram its clientCas");
        }
        try {
            SslContextBuilder builder = serverCertificates(listener, tls)
                    .sslProvider(providerFor(tls))
                    .protocols("TLSv1.3", "TLSv1.2")
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(ALPN);
            switch (tls.mode()) {
                case SIMPLE -> builder.clientAuth(ClientAuth.NONE);
                case MUTUAL -> builder.clientAuth(ClientAuth.REQUIRE)
                        .trustManager(tls.clientCas().toArray(X509Certificate[]::new));
                case OPTIONAL_MUTUAL -> builder.clientAuth(ClientAuth.OPTIONAL)
                        .trustManager(tls.clientCas().toArray(X509Certificate[]::new));
            }
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot build the TLS context of listener " + listener + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * One certificate: given as it is. Several: one key manager holding all of them. Keys are held in JKS
     * key stores, whose key protection is cheap, unlike PKCS12's key derivation, so rotations stay fast.
     */
    private static SslContextBuilder serverCertificates(String listener, TlsProgram tls) {
        if (tls.certificates().size() == 1) {
            TlsProgram.ServerCertificate certificate = tls.certificates().get(0);
            requireKeyOfLeaf(listener, certificate);
            return SslContextBuilder.forServer(certificate.privateKey(), certificate.chain()).keyStoreType("JKS");
        }
        return SslContextBuilder.forServer(keyManagers(listener, tls));
    }

    private static void requireKeyOfLeaf(String listener, TlsProgram.ServerCertificate certificate) {
        if (certificate.chain().isEmpty()) {
            throw new IllegalArgumentException("a server certificate of listener " + listener + " has an empty chain");
        }
        List<X509Certificate> chain = certificate.chain();
        try {
            Credential.of(chain.get(0), chain.subList(1, chain.size()), certificate.privateKey(), null);
        } catch (IllegalArgumentException mismatch) {
            throw new IllegalArgumentException("a server certificate of listener " + listener + " is unusable: "
                    + mismatch.getMessage(), mismatch);
        }
    }

    private static KeyManagerFactory keyManagers(String listener, TlsProgram tls) {
        try {
            KeyStore keyStore = KeyStore.getInstance("JKS");
            keyStore.load(null, null);
            int index = 0;
            for (TlsProgram.ServerCertificate certificate : tls.certificates()) {
                requireKeyOfLeaf(listener, certificate);
                keyStore.setKeyEntry("certificate-" + index++, certificate.privateKey(), NO_PASSWORD,
                        certificate.chain().toArray(X509Certificate[]::new));
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
            factory.init(keyStore, NO_PASSWORD);
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the server certificate of listener " + listener
                    + " is unusable (the chain must start with the private key's certificate, each certificate followed by"
                    + " its issuer): "
                    + e.getMessage(), e);
        }
    }
}

package dev.secureingress.embedded.dataplane;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslServerSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;

import dev.secureingress.tls.Credential;

import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The TLS contexts of HTTPS listeners, one per listener, kept while the listener's TLS settings (mode, client
 * CAs, TLS implementation) stay the same. Certificates are not built into a context: each listener's
 * {@link ListenerCertificates} hands the current ones to every handshake, so a rotated certificate reaches the
 * next handshake without building anything, and open connections keep the certificate they were opened with.
 *
 * <p>Changes are two-phase, so that a program is applied whole or not at all: {@link #prepare} validates and
 * builds what is needed without changing what is served, {@link #activate} puts it in effect.
 *
 * <p>Every context offers TLS 1.3 and 1.2 and ALPN {@code h2} and {@code http/1.1}. A listener with several
 * certificates (for example RSA and ECDSA) presents the one the client's signature algorithms allow.
 *
 * <p>TLS runs on BoringSSL (netty-tcnative) where it is available, as in Envoy: it answers a missing client
 * certificate under MUTUAL with TLS 1.3's {@code certificate_required} alert, where JDK 17 sends
 * {@code bad_certificate}. Listeners with several certificates use the JDK's TLS, which asks for a certificate
 * per key type; so does everything where BoringSSL is not available.
 *
 * <p>Not thread-safe: {@link NettyDataPlane} serializes calls. Handshakes only read the activated state.
 */
final class ServerTlsContexts {

    private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    /**
     * What a listener's context is built from, besides the certificates BoringSSL reads per handshake: a change
     * needs a new context. The JDK's TLS resumes sessions from tickets it cannot be told to forget, so its
     * contexts are also built for their certificates (a new context, a new ticket key).
     */
    private record Settings(SslProvider provider, TlsProgram.TerminateMode mode, List<X509Certificate> clientCas,
                            List<TlsProgram.ServerCertificate> jdkCertificates) {
        static Settings of(TlsProgram tls) {
            SslProvider provider = providerFor(tls);
            return new Settings(provider, tls.mode(), tls.clientCas(),
                    provider == SslProvider.JDK ? tls.certificates() : List.of());
        }
    }

    /** A listener's TLS context and the certificates it presents. */
    private record ListenerTls(Settings settings, SslContext context, ListenerCertificates certificates) {
    }

    /**
     * The TLS a listener is to serve, prepared but not in effect until {@link #activate activated}.
     *
     * @param listener     the listener's name in logs and errors, also its identity ({@code ns/gateway listener name})
     * @param certificates the certificates to present
     */
    record Prepared(String listener, List<TlsProgram.ServerCertificate> certificates, ListenerTls tls) {
        /** The context that terminates the listener's connections. */
        SslContext context() {
            return tls.context();
        }

        /** What the context presents to new handshakes now: the prepared certificates once activated. */
        List<TlsProgram.ServerCertificate> presentedNow() {
            return tls.certificates().presented();
        }
    }

    private final Map<String, ListenerTls> byListener = new HashMap<>();
    private long sessionGenerations;

    /** The TLS implementation for a listener: OPENSSL (BoringSSL) or JDK. */
    static SslProvider providerFor(TlsProgram tls) {
        return tls.certificates().size() == 1 && OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /**
     * Validates a listener's TLS settings and certificates and prepares its context: the listener's current
     * one when its settings are unchanged, else a new one. What is served changes only on {@link #activate}.
     *
     * @throws IllegalArgumentException naming the listener when its TLS cannot be served
     */
    Prepared prepare(String listener, TlsProgram tls) {
        if (tls.certificates().isEmpty()) {
            throw new IllegalArgumentException("HTTPS listener " + listener
                    + " has no server certificate; give its TlsProgram at least one certificate");
        }
        if (tls.mode() != TlsProgram.TerminateMode.SIMPLE && tls.clientCas().isEmpty()) {
            throw new IllegalArgumentException("HTTPS listener " + listener + " uses tls-terminate-mode "
                    + tls.mode() + " but has no client CA certificates; give the TlsProgram its clientCas");
        }
        ListenerTls current = byListener.get(listener);
        for (TlsProgram.ServerCertificate certificate : tls.certificates()) {
            if (current == null || !current.certificates().presented().contains(certificate)) {
                requireKeyOfLeaf(listener, certificate);
            }
        }
        Settings settings = Settings.of(tls);
        if (current != null && current.settings().equals(settings)) {
            return new Prepared(listener, tls.certificates(), current);
        }
        ListenerCertificates certificates = new ListenerCertificates(tls.certificates(),
                settings.provider() == SslProvider.OPENSSL);
        return new Prepared(listener, tls.certificates(), new ListenerTls(settings, build(listener, settings, certificates),
                certificates));
    }

    /**
     * Puts a prepared listener's TLS in effect: its next handshakes present the prepared certificates, and
     * sessions made with the previous ones are no longer resumed (a resumed session presents no certificate),
     * as when Envoy builds a new context for a new certificate.
     */
    void activate(Prepared prepared) {
        ListenerTls tls = prepared.tls();
        if (tls.certificates().present(prepared.certificates())
                && tls.context().sessionContext() instanceof OpenSslServerSessionContext sessions) {
            // BoringSSL resumes only sessions made under the context's current session ID context
            sessions.setSessionIdContext(ByteBuffer.allocate(Long.BYTES).putLong(++sessionGenerations).array());
        }
        byListener.put(prepared.listener(), tls);
    }

    /** Forgets the contexts of listeners not named. */
    void retainOnly(Collection<String> listeners) {
        Set<String> keep = Set.copyOf(listeners);
        byListener.keySet().removeIf(listener -> !keep.contains(listener));
    }

    /** How many listeners have a context. */
    int size() {
        return byListener.size();
    }

    private static SslContext build(String listener, Settings settings, ListenerCertificates certificates) {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(certificates)
                    .sslProvider(settings.provider())
                    .protocols("TLSv1.3", "TLSv1.2")
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(ALPN);
            switch (settings.mode()) {
                case SIMPLE -> builder.clientAuth(ClientAuth.NONE);
                case MUTUAL -> builder.clientAuth(ClientAuth.REQUIRE)
                        .trustManager(settings.clientCas().toArray(X509Certificate[]::new));
                case OPTIONAL_MUTUAL -> builder.clientAuth(ClientAuth.OPTIONAL)
                        .trustManager(settings.clientCas().toArray(X509Certificate[]::new));
            }
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot build the TLS context of listener " + listener + ": "
                    + e.getMessage(), e);
        }
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
}

package dev.secureingress.embedded.dataplane;

import dev.secureingress.tls.CertificateAuthority;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.secureingress.embedded.dataplane.Programs.serverCertificate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerTlsContextsTest {

    private static final CertificateAuthority CA = Programs.rootCa();
    private final ServerTlsContexts contexts = new ServerTlsContexts();

    private SslContext activate(String listener, TlsProgram tls) {
        ServerTlsContexts.Prepared prepared = contexts.prepare(listener, tls);
        contexts.activate(prepared);
        return prepared.context();
    }

    @Test
    void aRenewedCertificateKeepsTheListenersContextAndIsPresentedOnceActivated() {
        TlsProgram.ServerCertificate first = serverCertificate(CA, "httpbin.example.com");
        TlsProgram.ServerCertificate renewed = serverCertificate(CA, "httpbin.example.com");
        SslContext context = activate("a", Programs.simple(first));

        ServerTlsContexts.Prepared prepared = contexts.prepare("a", Programs.simple(renewed));

        assertThat(prepared.context()).isSameAs(context);
        assertThat(prepared.presentedNow()).as("nothing changes before activation").containsExactly(first);
        contexts.activate(prepared);
        assertThat(prepared.presentedNow()).containsExactly(renewed);
        assertThat(contexts.size()).isEqualTo(1);
    }

    @Test
    void changedClientCasOrModeGetANewContext() {
        TlsProgram.ServerCertificate certificate = serverCertificate(CA, "mtls.example.com");
        CertificateAuthority clientCa = Programs.rootCa();
        CertificateAuthority otherClientCa = Programs.rootCa();
        SslContext mutual = activate("m", new TlsProgram(List.of(certificate), TlsProgram.TerminateMode.MUTUAL,
                List.of(clientCa.certificate())));

        SslContext swappedCa = activate("m", new TlsProgram(List.of(certificate), TlsProgram.TerminateMode.MUTUAL,
                List.of(otherClientCa.certificate())));
        SslContext simple = activate("m", Programs.simple(certificate));

        assertThat(swappedCa).isNotSameAs(mutual);
        assertThat(simple).isNotSameAs(swappedCa);
        assertThat(contexts.size()).isEqualTo(1);
    }

    @Test
    void listenersHaveContextsOfTheirOwn() {
        TlsProgram shared = Programs.simple(serverCertificate(CA, "*.example.com"));

        assertThat(activate("a", shared)).isNotSameAs(activate("b", shared));
        assertThat(contexts.size()).isEqualTo(2);
    }

    @Test
    void forgetsContextsNoListenerUses() {
        activate("kept", Programs.simple(serverCertificate(CA, "kept.example.com")));
        activate("dropped", Programs.simple(serverCertificate(CA, "dropped.example.com")));

        contexts.retainOnly(List.of("kept"));

        assertThat(contexts.size()).isEqualTo(1);
    }

    @Test
    void aChainThatDoesNotStartWithTheKeysCertificateIsRejectedNamingTheListener() {
        TlsProgram.ServerCertificate good = serverCertificate(CA, "a.example.com");
        TlsProgram.ServerCertificate other = serverCertificate(CA, "b.example.com");
        activate("istio-system/gw listener https", Programs.simple(good));
        TlsProgram mismatched = Programs.simple(new TlsProgram.ServerCertificate(good.privateKey(), other.chain()));

        assertThatThrownBy(() -> contexts.prepare("istio-system/gw listener https", mismatched))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("istio-system/gw listener https");
    }
}

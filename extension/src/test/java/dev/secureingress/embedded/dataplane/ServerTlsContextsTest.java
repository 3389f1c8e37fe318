package dev.secureingress.embedded.dataplane;

import dev.secureingress.tls.CertificateAuthority;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.secureingress.embedded.dataplane.Programs.serverCertificate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerTlsContextsTest {

    private static final CertificateAuthority CA = Programs.rootCa();
    private final ServerTlsContexts contexts = new ServerTlsContexts();

    @Test
    void reusesTheContextOfEqualContentAndBuildsANewOneForChangedContent() {
        TlsProgram.ServerCertificate certificate = serverCertificate(CA, "httpbin.example.com");
        TlsProgram first = Programs.simple(certificate);
        TlsProgram sameContent = new TlsProgram(new ArrayList<>(List.of(
                new TlsProgram.ServerCertificate(certificate.privateKey(), new ArrayList<>(certificate.chain())))),
                TlsProgram.TerminateMode.SIMPLE, List.of());
        TlsProgram renewed = Programs.simple(serverCertificate(CA, "httpbin.example.com"));

        SslContext context = contexts.contextFor("a", first);

        assertThat(contexts.contextFor("a", sameContent)).isSameAs(context);
        assertThat(contexts.contextFor("a", renewed)).isNotSameAs(context);
        assertThat(contexts.size()).isEqualTo(2);
    }

    @Test
    void forgetsContextsNoListenerUses() {
        TlsProgram kept = Programs.simple(serverCertificate(CA, "kept.example.com"));
        TlsProgram dropped = Programs.simple(serverCertificate(CA, "dropped.example.com"));
        contexts.contextFor("kept", kept);
        contexts.contextFor("dropped", dropped);

        contexts.retainOnly(List.of(kept));

        assertThat(contexts.size()).isEqualTo(1);
    }

    @Test
    void aChainThatDoesNotStartWithTheKeysCertificateIsRejectedNamingTheListener() {
        TlsProgram.ServerCertificate good = serverCertificate(CA, "a.example.com");
        TlsProgram.ServerCertificate other = serverCertificate(CA, "b.example.com");
        TlsProgram mismatched = Programs.simple(new TlsProgram.ServerCertificate(good.privateKey(), other.chain()));

        assertThatThrownBy(() -> contexts.contextFor("istio-system/gw listener https", mismatched))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("istio-system/gw listener https");
    }
}

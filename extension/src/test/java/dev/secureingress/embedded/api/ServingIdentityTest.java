package dev.secureingress.embedded.api;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.SSLEngineOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServingIdentityTest {

    @Test
    void everyServerOfTheJvmGetsTheSameServerContextForTheSameCertificate() throws Exception {
        SslContext first = serverContext(ServingIdentity.sslEngineOptions().copy());
        SslContext second = serverContext(ServingIdentity.sslEngineOptions().copy());

        assertThat(first.isServer()).isTrue();
        assertThat(second).isSameAs(first);
        assertThat(first.applicationProtocolNegotiator().protocols()).containsExactly("h2", "http/1.1");
    }

    private static SslContext serverContext(SSLEngineOptions options) throws Exception {
        return options.sslContextFactory()
                .forServer(ClientAuth.NONE)
                .useAlpn(true)
                .applicationProtocols(List.of("h2", "http/1.1"))
                .keyMananagerFactory(KeyCertOptions.wrap(ServingIdentity.keyManager()).getKeyManagerFactory(null))
                .create();
    }
}

package dev.secureingress.embedded.api;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.net.SSLEngineOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServingIdentityTest {

    @Test
    void everyServerOfTheJvmGetsTheSameServerContextForTheSameCertificate() throws Exception {
        ServingIdentity identity = ServingIdentity.get();
        SSLEngineOptions options = identity.sslEngineOptions();

        SslContext first = serverContext(options.copy(), identity);
        SslContext second = serverContext(ServingIdentity.get().sslEngineOptions().copy(), identity);

        assertThat(first.isServer()).isTrue();
        assertThat(second).isSameAs(first);
        assertThat(first.applicationProtocolNegotiator().protocols()).containsExactly("h2", "http/1.1");
    }

    private static SslContext serverContext(SSLEngineOptions options, ServingIdentity identity) throws Exception {
        return options.sslContextFactory()
                .forServer(ClientAuth.NONE)
                .useAlpn(true)
                .applicationProtocols(List.of("h2", "http/1.1"))
                .keyMananagerFactory(identity.keyManagers())
                .create();
    }
}

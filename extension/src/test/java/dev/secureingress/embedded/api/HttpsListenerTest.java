package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The API server's HTTPS listener starts when its address is first asked for, on the port that the {@code kubernetes}
 * Service named from the start.
 */
class HttpsListenerTest {

    private static final String LOOPBACK = "127.0.0.1";

    @Test
    void thePortTheKubernetesEndpointsNameIsHeldUntilTheListenerTakesItOver() throws IOException {
        try (EmbeddedApiServer api = EmbeddedApiServer.start()) {
            KubernetesClient inProcess = api.inProcessClient();
            int named = endpointsPort(inProcess);

            assertThatThrownBy(() -> new ServerSocket(named, 1, InetAddress.getByName(LOOPBACK)).close())
                    .isInstanceOf(BindException.class);

            URI url = URI.create(api.url());
            assertThat(url.getPort()).isEqualTo(named);
            assertThat(api.client().getKubernetesVersion().getGitVersion()).startsWith("v1.32");
        }
    }

    @Test
    void aPortTakenWhileItIsHandedOverMovesTheListenerAndTheKubernetesServiceWithIt() throws IOException {
        try (ThiefOnClose reservation = new ThiefOnClose();
             EmbeddedApiServer api = EmbeddedApiServer.startSeeding(reservation).awaitSeeded()) {
            int reserved = reservation.getLocalPort();
            assertThat(endpointsPort(api.inProcessClient())).isEqualTo(reserved);

            int listening = URI.create(api.url()).getPort();

            assertThat(listening).isNotEqualTo(reserved);
            assertThat(reservation.thief.getLocalPort()).isEqualTo(reserved);
            KubernetesClient inProcess = api.inProcessClient();
            assertThat(endpointsPort(inProcess)).isEqualTo(listening);
            assertThat(inProcess.discovery().v1().endpointSlices().inNamespace("default").withName("kubernetes").get()
                    .getPorts()).singleElement().satisfies(port -> assertThat(port.getPort()).isEqualTo(listening));
            assertThat(inProcess.services().inNamespace("default").withName("kubernetes").get().getSpec().getPorts())
                    .singleElement().satisfies(port -> {
                        assertThat(port.getPort()).isEqualTo(443);
                        assertThat(port.getTargetPort().getIntVal()).isEqualTo(listening);
                    });
            assertThat(api.client().getKubernetesVersion().getGitVersion()).startsWith("v1.32");
        }
    }

    @Test
    void aClosedServerDoesNotStartItsListener() {
        EmbeddedApiServer api = EmbeddedApiServer.start();
        api.close();

        assertThatThrownBy(api::url).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    }

    private static int endpointsPort(KubernetesClient client) {
        Endpoints endpoints = client.endpoints().inNamespace("default").withName("kubernetes").get();
        EndpointSubset subset = endpoints.getSubsets().get(0);
        return subset.getPorts().get(0).getPort();
    }

    /** A reservation whose port another socket takes the moment it is released. */
    private static final class ThiefOnClose extends ServerSocket {
        ServerSocket thief;

        ThiefOnClose() throws IOException {
            super(0, 1, InetAddress.getByName(LOOPBACK));
        }

        @Override
        public synchronized void close() throws IOException {
            int port = getLocalPort();
            boolean wasOpen = !isClosed();
            super.close();
            if (wasOpen && thief == null) {
                thief = new ServerSocket(port, 1, InetAddress.getByName(LOOPBACK));
            } else if (thief != null && !thief.isClosed()) {
                thief.close();
            }
        }
    }
}

package dev.secureingress.embedded.dataplane;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.UUID;

import static dev.secureingress.embedded.dataplane.Programs.gateway;
import static dev.secureingress.embedded.dataplane.Programs.http;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Addresses and ports: one address per Gateway, port policies, bind failures, removal. */
class NettyDataPlanePortsTest {

    private static String uniqueName() {
        return "gw-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void everyGatewayGetsItsOwnLoopbackAddressOnLinux() {
        try (NettyDataPlane dataPlane = NettyDataPlane.create()) {
            ProgrammedGateway first = dataPlane.program(gateway(uniqueName(), http("http", 80, null)));
            ProgrammedGateway second = dataPlane.program(gateway(uniqueName(), http("http", 80, null)));

            assertThat(first.address()).isNotEqualTo(second.address());
            assertThat(first.address().isLoopbackAddress()).isTrue();
            assertThat(first.address()).isNotEqualTo(InetAddress.getLoopbackAddress());
        }
    }

    @Test
    void listenersSharingAPortShareOneBoundPortAndReprogrammingKeepsIt() {
        try (NettyDataPlane dataPlane = NettyDataPlane.create()) {
            String name = uniqueName();
            ProgrammedGateway programmed = dataPlane.program(gateway(name, http("a", 80, "a.example.com"),
                    http("b", 80, "b.example.com"), http("c", 8080, null)));
            ProgrammedGateway again = dataPlane.program(gateway(name, http("a", 80, "a.example.com"),
                    http("c", 8080, null)));

            assertThat(programmed.boundPorts()).containsOnlyKeys(80, 8080);
            assertThat(again).isEqualTo(programmed);
            assertThat(dataPlane.programmed("istio-system", name)).contains(programmed);
        }
    }

    @Test
    void logicalOrOffsetBindsTheLogicalPortWhenFreeElseThePortPlusTheOffset() throws IOException {
        int free;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
            free = probe.getLocalPort();
        }
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"));
             NettyDataPlane dataPlane = NettyDataPlane.builder().portPolicy(PortPolicy.LOGICAL_OR_OFFSET).build()) {
            int port = taken.getLocalPort();
            assumeTrue(port + PortPolicy.OFFSET <= 0xFFFF, "ephemeral port " + port + " has no offset port");

            ProgrammedGateway served = dataPlane.program(gateway(uniqueName(), http("taken", port, null),
                    http("free", free, null)));

            assertThat(served.boundPorts().get(port)).isEqualTo(port + PortPolicy.OFFSET);
            assertThat(served.boundPorts().get(free)).isEqualTo(free);
        }
    }

    @Test
    void aPortThatCannotBeBoundIsReportedWhileTheOtherPortsAreServed() throws IOException {
        try (ServerSocket logical = new ServerSocket();
             NettyDataPlane dataPlane = NettyDataPlane.builder().portPolicy(PortPolicy.LOGICAL_OR_OFFSET).build()) {
            logical.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            int port = logical.getLocalPort();
            try (ServerSocket offset = new ServerSocket()) {
                if (port + PortPolicy.OFFSET <= 0xFFFF) {
                    offset.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port + PortPolicy.OFFSET));
                }
                String name = uniqueName();

                GatewayBindException failure = (GatewayBindException) org.assertj.core.api.Assertions.catchThrowable(
                        () -> dataPlane.program(gateway(name, http("taken", port, null), http("free", 0, null))));

                assertThat(failure).isNotNull();
                assertThat(failure.failedPorts()).containsOnlyKeys(port);
                assertThat(failure.getMessage()).contains(name, String.valueOf(port));
                assertThat(failure.programmed().boundPorts()).containsKey(0);
            }
        }
    }

    @Test
    void aPortWhoseListenersAllDropOutStaysBoundServingNoneUntilTheyReturn() throws IOException {
        try (NettyDataPlane dataPlane = NettyDataPlane.create()) {
            String name = uniqueName();
            dev.secureingress.tls.CertificateAuthority ca = Programs.rootCa();
            ListenerProgram httpbin = Programs.https("https", 443, "httpbin.example.com",
                    Programs.simple(Programs.serverCertificate(ca, "httpbin.example.com")));
            ProgrammedGateway programmed = dataPlane.program(gateway(name, httpbin));
            InetSocketAddress bound = new InetSocketAddress(programmed.address(), programmed.boundPorts().get(443));

            // the listener's Secret was deleted: the Gateway has no listener on 443 for a while
            ProgrammedGateway withoutListeners = dataPlane.program(gateway(name));

            assertThat(withoutListeners).as("the port stays bound while the Gateway exists").isEqualTo(programmed);
            assertThatThrownBy(() -> TestClients.handshake(bound, "httpbin.example.com", ca.certificate(), null))
                    .as("no listener: the handshake is refused").isInstanceOf(IOException.class);

            // the Secret was created again
            ProgrammedGateway again = dataPlane.program(gateway(name, httpbin));

            assertThat(again).as("clients that looked the port up before still reach it").isEqualTo(programmed);
            assertThat(TestClients.handshake(bound, "httpbin.example.com", ca.certificate(), null)).isNotEmpty();
        }
    }

    @Test
    void removingAGatewayClosesItsPorts() throws IOException {
        NettyDataPlane dataPlane = NettyDataPlane.create();
        try {
            String name = uniqueName();
            ProgrammedGateway programmed = dataPlane.program(gateway(name, http("http", 80, null)));
            InetSocketAddress bound = new InetSocketAddress(programmed.address(), programmed.boundPorts().get(80));
            // probed by binding, not connecting: a connection would hold the port after the listener closes
            assertThat(canBind(bound)).as("port " + bound + " taken while the gateway is served").isFalse();

            dataPlane.remove("istio-system", name);

            assertThat(dataPlane.programmed("istio-system", name)).isEmpty();
            // the JDK releases a selector-registered socket at the event loop's next select, so "free" is awaited
            dev.secureingress.cluster.BoundedWait.<Boolean>forState("port " + bound + " free after remove")
                    .atMost(java.time.Duration.ofSeconds(10)).pollEvery(java.time.Duration.ofMillis(20))
                    .until(() -> canBind(bound), free -> free);
        } finally {
            dataPlane.close();
        }
        dataPlane.close();
    }

    @Test
    void invalidProgramsAreRejectedNamingTheListenerAndChangeNothing() {
        try (NettyDataPlane dataPlane = NettyDataPlane.create()) {
            String name = uniqueName();
            assertThatThrownBy(() -> dataPlane.program(gateway(name, new ListenerProgram("secure", 443,
                    ListenerProgram.Protocol.HTTPS, null, null, List.of()))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secure");
            assertThat(dataPlane.programmed("istio-system", name)).isEmpty();

            TlsProgram tls = Programs.simple(Programs.serverCertificate(Programs.rootCa(), "a.example.com"));
            assertThatThrownBy(() -> dataPlane.program(gateway(name, http("plain", 80, null),
                    Programs.https("secure", 80, "a.example.com", tls))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both HTTP and HTTPS");
        }
    }

    private static boolean canBind(InetSocketAddress address) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(address);
            return probe.getLocalPort() == address.getPort();
        } catch (IOException inUse) {
            return false;
        }
    }
}

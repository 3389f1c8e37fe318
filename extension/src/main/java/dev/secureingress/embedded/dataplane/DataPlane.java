package dev.secureingress.embedded.dataplane;

/**
 * The embedded gateway's data plane: binds each Gateway's listener ports on the Gateway's own address,
 * terminates TLS by SNI and routes HTTP to backend endpoints.
 *
 * <p>The controller calls {@link #program} with the complete desired state of one Gateway every time
 * anything it depends on changes (Gateway, routes, secrets, endpoints). Programming is idempotent and
 * takes effect for the next handshake and the next request; open connections are not dropped.
 */
public interface DataPlane extends AutoCloseable {

    /** Applies the desired state of one Gateway and reports where it is bound. */
    ProgrammedGateway program(GatewayProgram program);

    /** Unbinds a Gateway's ports and releases its address. Unknown gateways are ignored. */
    void remove(String namespace, String name);

    @Override
    void close();
}

package dev.secureingress.ingress;

/**
 * How a host's HTTPS listener terminates TLS, as Istio's {@code gateway.istio.io/tls-terminate-mode}
 * listener option says it.
 */
public enum TlsMode {
    /** Server certificate only (Istio's default). */
    SIMPLE,
    /** The client must present a certificate issued by the CA in the secret's {@code ca.crt}. */
    MUTUAL;

    /** The listener option that selects this mode. */
    public static final String LISTENER_OPTION = "gateway.istio.io/tls-terminate-mode";
}

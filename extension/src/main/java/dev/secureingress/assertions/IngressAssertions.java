package dev.secureingress.assertions;

import dev.secureingress.client.HandshakeResult;
import dev.secureingress.client.IngressResponse;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Entry point for assertions on what the gateway did, AssertJ style:
 *
 * <pre>{@code
 * import static dev.secureingress.assertions.IngressAssertions.assertThat;
 *
 * assertThat(client.get("https://httpbin.example.com/status/418")).isTeapot();
 * assertThat(client.get("https://helloworld.example.com/hello")).isHelloFrom("v1");
 * assertThat(client.probe("httpbin.example.com")).wasRefusedBecause(HandshakeFailure.Reason.UNTRUSTED_ISSUER);
 * assertThat(client.probe("httpbin.example.com")).succeeded().servedCertificate().isIssuedBy(seed.root2());
 * }</pre>
 *
 * Failure messages of response and handshake assertions end with the curl command that repeats the request.
 */
public final class IngressAssertions {

    private IngressAssertions() {
    }

    /** Assertions on an HTTP response from the gateway. */
    public static IngressResponseAssert assertThat(IngressResponse actual) {
        return new IngressResponseAssert(actual);
    }

    /** Assertions on a TLS handshake with the gateway. */
    public static HandshakeResultAssert assertThat(HandshakeResult actual) {
        return new HandshakeResultAssert(actual);
    }

    /** Assertions on a certificate, such as the one a gateway served. */
    public static ServedCertificateAssert assertThat(X509Certificate actual) {
        return new ServedCertificateAssert(actual, actual == null ? List.of() : List.of(actual), "");
    }
}

package dev.secureingress.assertions;

import dev.secureingress.client.IngressResponse;
import org.assertj.core.api.AbstractAssert;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** Assertions on an {@link IngressResponse}; failure messages end with the curl command that repeats the request. */
public final class IngressResponseAssert extends AbstractAssert<IngressResponseAssert, IngressResponse> {

    /** httpbin's body for {@code /status/418}, exactly. */
    public static final String TEAPOT_BODY = "I'm a teapot!";

    private static final int MAX_BODY_SHOWN = 500;

    IngressResponseAssert(IngressResponse actual) {
        super(actual, IngressResponseAssert.class);
    }

    /** The response has this HTTP status. */
    public IngressResponseAssert hasStatus(int status) {
        isNotNull();
        if (actual.status() != status) {
            reportFailure("Expected status " + status + " but was " + actual.status());
        }
        return this;
    }

    /** The status is 200. */
    public IngressResponseAssert isOk() {
        return hasStatus(200);
    }

    /** The status is 404, as for a path no route exposes. */
    public IngressResponseAssert isNotFound() {
        return hasStatus(404);
    }

    /** The body is exactly {@code body}. */
    public IngressResponseAssert hasBody(String body) {
        isNotNull();
        if (!actual.body().equals(body)) {
            reportFailure("Expected body <" + body + "> but it was different");
        }
        return this;
    }

    /** The body contains each of the given texts. */
    public IngressResponseAssert bodyContains(String... texts) {
        isNotNull();
        for (String text : texts) {
            if (!actual.body().contains(text)) {
                reportFailure("Expected the body to contain <" + text + ">");
            }
        }
        return this;
    }

    /** The response has the header (case-insensitive name) with this first value. */
    public IngressResponseAssert hasHeader(String name, String value) {
        isNotNull();
        Optional<String> actualValue = actual.header(name);
        if (actualValue.isEmpty()) {
            reportFailure("Expected header " + name + ": " + value + " but there is no " + name + " header; headers: "
                    + actual.headers().keySet());
        } else if (!actualValue.get().equals(value)) {
            reportFailure("Expected header " + name + ": " + value + " but was " + name + ": " + actualValue.get());
        }
        return this;
    }

    /** The response has the header, whatever its value. */
    public IngressResponseAssert hasHeader(String name) {
        isNotNull();
        if (actual.header(name).isEmpty()) {
            reportFailure("Expected a " + name + " header; headers: " + actual.headers().keySet());
        }
        return this;
    }

    /** httpbin's {@code /status/418}: status 418 with the body {@code I'm a teapot!}, exactly. */
    public IngressResponseAssert isTeapot() {
        isNotNull();
        if (actual.status() != 418 || !actual.body().equals(TEAPOT_BODY)) {
            reportFailure("Expected httpbin's teapot (418, body <" + TEAPOT_BODY + ">) but got status "
                    + actual.status());
        }
        return this;
    }

    /** helloworld's {@code /hello}: status 200 with {@code Hello version: <version>, instance: <pod>}. */
    public IngressResponseAssert isHelloFrom(String version) {
        isNotNull();
        Objects.requireNonNull(version, "version");
        Pattern hello = Pattern.compile("Hello version: " + Pattern.quote(version) + ", instance: \\S+\\n?");
        if (actual.status() != 200 || !hello.matcher(actual.body()).matches()) {
            reportFailure("Expected helloworld " + version + " (200, body <Hello version: " + version
                    + ", instance: ...>) but got status " + actual.status());
        }
        return this;
    }

    /** The connection used this TLS version ({@code TLSv1.3}, {@code TLSv1.2}). */
    public IngressResponseAssert hasTlsVersion(String version) {
        isNotNull();
        if (!version.equals(actual.tlsVersion())) {
            reportFailure("Expected TLS version " + version + " but the connection used " + actual.tlsVersion());
        }
        return this;
    }

    /** Assertions on the certificate the server presented for this response (with its presented chain). */
    public ServedCertificateAssert servedCertificate() {
        isNotNull();
        if (actual.presentedChain().isEmpty()) {
            reportFailure("Expected the server to have presented a certificate, but none was recorded");
        }
        return new ServedCertificateAssert(actual.serverCertificate(), actual.presentedChain(),
                " for " + actual.request() + Reproduction.of(actual.curl()));
    }

    private void reportFailure(String problem) {
        String body = actual.body();
        String shown = body.length() > MAX_BODY_SHOWN ? body.substring(0, MAX_BODY_SHOWN) + "..." : body;
        failWithMessage("%s", problem + "\n  response: " + actual + "\n  body: <" + shown + ">"
                + Reproduction.of(actual.curl()));
    }
}

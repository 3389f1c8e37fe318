package dev.secureingress.assertions;

import dev.secureingress.client.HandshakeFailure;
import dev.secureingress.client.HandshakeResult;
import org.assertj.core.api.AbstractAssert;

import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * Assertions on a {@link HandshakeResult}; failure messages tell what the server presented and end with the curl
 * command that makes the same handshake.
 */
public final class HandshakeResultAssert extends AbstractAssert<HandshakeResultAssert, HandshakeResult> {

    HandshakeResultAssert(HandshakeResult actual) {
        super(actual, HandshakeResultAssert.class);
    }

    /** The handshake completed and the server kept the connection. */
    public HandshakeResultAssert succeeded() {
        isNotNull();
        if (!actual.succeeded()) {
            reportFailure("Expected the handshake to succeed but it failed: "
                    + actual.failure().orElseThrow().summary());
        }
        return this;
    }

    /** The handshake failed, for whatever reason. */
    public HandshakeResultAssert wasRefused() {
        isNotNull();
        if (actual.succeeded()) {
            reportFailure("Expected the handshake to be refused but it succeeded");
        }
        return this;
    }

    /** The handshake failed for this classified reason. */
    public HandshakeResultAssert wasRefusedBecause(HandshakeFailure.Reason reason) {
        Objects.requireNonNull(reason, "reason");
        wasRefused();
        HandshakeFailure failure = actual.failure().orElseThrow();
        if (failure.reason() != reason) {
            reportFailure("Expected the handshake to be refused because of " + reason.label()
                    + " but it failed with " + failure.summary());
        }
        return this;
    }

    /** The server ended the handshake with this TLS alert, such as {@code certificate_required}. */
    public HandshakeResultAssert wasRefusedWithAlert(String alert) {
        Objects.requireNonNull(alert, "alert");
        wasRefusedBecause(HandshakeFailure.Reason.TLS_ALERT);
        String actualAlert = actual.failure().orElseThrow().alert().orElse("?");
        if (!actualAlert.equals(alert)) {
            reportFailure("Expected the TLS alert " + alert + " but the server sent " + actualAlert);
        }
        return this;
    }

    /** The handshake used this TLS version ({@code TLSv1.3}, {@code TLSv1.2}). */
    public HandshakeResultAssert hasTlsVersion(String version) {
        isNotNull();
        String actualVersion = actual.tlsVersion().orElse("none (the handshake did not get that far)");
        if (!actualVersion.equals(version)) {
            reportFailure("Expected TLS version " + version + " but it was " + actualVersion);
        }
        return this;
    }

    /** Assertions on the certificate the server presented (trusted or not), with its presented chain. */
    public ServedCertificateAssert servedCertificate() {
        isNotNull();
        if (actual.presentedChain().isEmpty()) {
            reportFailure("Expected the server to present a certificate but it presented none");
        }
        X509Certificate leaf = actual.presentedChain().get(0);
        return new ServedCertificateAssert(leaf, actual.presentedChain(),
                " in the " + actual + Reproduction.of(actual.curl()));
    }

    private void reportFailure(String problem) {
        failWithMessage("%s", problem + "\n  " + actual + Reproduction.of(actual.curl()));
    }
}

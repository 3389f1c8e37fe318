package dev.secureingress.client;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a connection to the gateway failed, classified the way a person reading curl's output would:
 * the server's chain is not trusted, it does not cover the host name, the server sent a TLS alert
 * (such as {@code certificate_required}), the connection was reset or refused, or it timed out.
 */
public final class HandshakeFailure {

    /** The classified reason. */
    public enum Reason {
        /** The presented chain does not lead to a trusted CA (unknown issuer, or same subject but another key). */
        UNTRUSTED_ISSUER("untrusted issuer"),
        /** The chain is trusted but a certificate in it has expired. */
        CERTIFICATE_EXPIRED("certificate expired"),
        /** The chain is trusted but a certificate in it is not valid yet. */
        CERTIFICATE_NOT_YET_VALID("certificate not yet valid"),
        /** The chain is trusted but the leaf does not cover the requested host name. */
        HOSTNAME_MISMATCH("hostname mismatch"),
        /** The server ended the handshake with a TLS alert; see {@link #alert()}. */
        TLS_ALERT("TLS alert"),
        /** The server closed or reset the connection without an alert (Istio does this for an unknown SNI). */
        CONNECTION_RESET("connection reset"),
        /** Nothing listens at the gateway address. */
        CONNECTION_REFUSED("connection refused"),
        /** Connecting, the handshake or the response took longer than the client's timeout. */
        TIMEOUT("timeout"),
        /** Anything else; the message carries the details. */
        OTHER("failure");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        /** A short human label, such as {@code untrusted issuer}. */
        public String label() {
            return label;
        }
    }

    private static final Pattern ALERT = Pattern.compile("Received fatal alert: ([a-z_0-9]+)");

    private final Reason reason;
    private final String alert;
    private final String detail;
    private final Throwable cause;

    private HandshakeFailure(Reason reason, String alert, String detail, Throwable cause) {
        this.reason = Objects.requireNonNull(reason, "reason");
        this.alert = alert;
        this.detail = detail;
        this.cause = cause;
    }

    /** The classified reason. */
    public Reason reason() {
        return reason;
    }

    /**
     * The TLS alert's name as in RFC 8446 ({@code certificate_required}, {@code bad_certificate}, ...), for
     * {@link Reason#TLS_ALERT}.
     */
    public Optional<String> alert() {
        return Optional.ofNullable(alert);
    }

    /** The underlying error's message. */
    public String detail() {
        return detail;
    }

    /** The underlying exception. */
    public Throwable cause() {
        return cause;
    }

    /** The reason in a few words, such as {@code TLS alert certificate_required} or {@code untrusted issuer}. */
    public String summary() {
        return reason == Reason.TLS_ALERT ? reason.label() + " " + alert : reason.label();
    }

    /** The summary with the underlying error's message, such as {@code untrusted issuer (PKIX path ... failed)}. */
    @Override
    public String toString() {
        return detail == null || detail.isBlank() ? summary() : summary() + " (" + detail + ")";
    }

    /** Classifies an exception thrown while connecting, handshaking or exchanging a request. */
    static HandshakeFailure classify(Throwable error) {
        String detail = messageOf(error);
        // Certificate problems first: the JDK reports them wrapped in handshake exceptions.
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof InspectingTrustManager.HostnameMismatchException
                    || t instanceof SSLPeerUnverifiedException
                    && String.valueOf(t.getMessage()).startsWith("Hostname")) {
                return new HandshakeFailure(Reason.HOSTNAME_MISMATCH, null, messageOf(t), error);
            }
            if (t instanceof CertificateExpiredException) {
                return new HandshakeFailure(Reason.CERTIFICATE_EXPIRED, null, detail, error);
            }
            if (t instanceof CertificateNotYetValidException) {
                return new HandshakeFailure(Reason.CERTIFICATE_NOT_YET_VALID, null, detail, error);
            }
            if (t instanceof CertPathValidatorException validation) {
                if (validation.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                    return new HandshakeFailure(Reason.CERTIFICATE_EXPIRED, null, detail, error);
                }
                if (validation.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                    return new HandshakeFailure(Reason.CERTIFICATE_NOT_YET_VALID, null, detail, error);
                }
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof CertPathValidatorException
                    || t instanceof CertPathBuilderException) {
                return new HandshakeFailure(Reason.UNTRUSTED_ISSUER, null, detail, error);
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            Matcher alert = ALERT.matcher(String.valueOf(t.getMessage()));
            if (alert.find()) {
                return new HandshakeFailure(Reason.TLS_ALERT, alert.group(1), detail, error);
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof SocketTimeoutException
                    || t instanceof InterruptedIOException && message.contains("timeout")) {
                return new HandshakeFailure(Reason.TIMEOUT, null, messageOf(t), error);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return new HandshakeFailure(message.contains("timed out") ? Reason.TIMEOUT : Reason.CONNECTION_REFUSED,
                        null, messageOf(t), error);
            }
            if (t instanceof EOFException
                    || t instanceof SocketException && (message.contains("reset") || message.contains("broken pipe")
                    || message.contains("closed"))
                    || message.contains("remote host terminated the handshake")
                    || message.contains("unexpected end of stream")) {
                return new HandshakeFailure(Reason.CONNECTION_RESET, null, messageOf(t), error);
            }
            if (t instanceof UnknownHostException) {
                return new HandshakeFailure(Reason.OTHER, null, detail, error);
            }
        }
        return new HandshakeFailure(Reason.OTHER, null, detail, error);
    }

    /** A connection the server closed right after a successful TLS 1.3 handshake, without an alert. */
    static HandshakeFailure closedAfterHandshake() {
        return new HandshakeFailure(Reason.CONNECTION_RESET, null,
                "the server closed the connection right after the handshake", null);
    }

    private static String messageOf(Throwable error) {
        String message = error.getMessage();
        return message == null ? error.getClass().getSimpleName() : message;
    }
}

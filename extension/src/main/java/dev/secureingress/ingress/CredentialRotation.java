package dev.secureingress.ingress;

import dev.secureingress.cluster.BoundedWait;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.SecretLayout;
import io.fabric8.kubernetes.api.model.Secret;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Replaces the credential in a gateway's TLS Secret and waits until a fresh TLS handshake is served the
 * new certificate. The Secret is replaced either the way the Istio task does it ({@link Strategy#DELETE_AND_CREATE},
 * {@code kubectl delete secret} then {@code kubectl create secret tls}) or in place ({@link Strategy#UPDATE}).
 * The wait is bounded; its timeout names the certificate last served.
 */
public final class CredentialRotation {

    /** How the Secret is replaced. */
    public enum Strategy {
        /** Delete the Secret, then create it anew (the seed's way; the listener briefly has no certificate). */
        DELETE_AND_CREATE,
        /** Update the existing Secret's data. */
        UPDATE
    }

    /** Opens a fresh connection to the gateway with SNI {@code hostname} and returns the leaf it presents. */
    @FunctionalInterface
    public interface ServedCertificateProbe {
        /**
         * @throws RuntimeException when no certificate could be read (connection refused or reset, ...);
         *                          the message is reported if the wait times out
         */
        X509Certificate servedCertificate(String hostname);
    }

    /**
     * The outcome of a rotation.
     *
     * @param hostname the rotated host
     * @param previous the credential served before
     * @param current  the credential served now
     * @param took     from the Secret change to the first handshake presenting the new certificate
     */
    public record Result(String hostname, Credential previous, Credential current, Duration took) {
    }

    private final IngressApplier applier;
    private final ServedCertificateProbe probe;
    private final Duration timeout;

    public CredentialRotation(IngressApplier applier, ServedCertificateProbe probe, Duration timeout) {
        this.applier = Objects.requireNonNull(applier, "applier");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Replaces Secret {@code namespace/secretName} with {@code next} (TLS layout, {@code ca.crt} holding
     * {@code caCertificates} when given) and waits until handshakes for {@code hostname} present it.
     *
     * @throws dev.secureingress.cluster.WaitTimeoutException naming the certificate last served
     */
    public Result rotate(String hostname, String namespace, String secretName, Credential previous, Credential next,
                         List<X509Certificate> caCertificates, Strategy strategy) {
        Secret secret = SecretLayout.TLS.secrets(namespace, secretName, next, caCertificates).get(0);
        long started = System.nanoTime();
        if (strategy == Strategy.DELETE_AND_CREATE) {
            applier.delete(secret);
            awaitSecretGone(namespace, secretName);
            applier.create(secret);
        } else {
            applier.apply(secret);
        }
        X509Certificate expected = next.certificate();
        BoundedWait.<X509Certificate>forState("a fresh handshake with SNI " + hostname + " to present the new certificate "
                        + describe(expected) + " after replacing Secret " + namespace + "/" + secretName
                        + " (" + strategy + ")")
                .atMost(timeout)
                .pollEvery(Duration.ofMillis(100))
                .describedBy(CredentialRotation::describe)
                .until(() -> probe.servedCertificate(hostname), expected::equals);
        return new Result(hostname, previous, next, Duration.ofNanos(System.nanoTime() - started));
    }

    private void awaitSecretGone(String namespace, String name) {
        BoundedWait.<Boolean>forState("Secret " + namespace + "/" + name + " to be deleted")
                .atMost(timeout)
                .describedBy(present -> present ? "still present" : "gone")
                .until(() -> applier.exists(new io.fabric8.kubernetes.api.model.SecretBuilder()
                        .withNewMetadata().withNamespace(namespace).withName(name).endMetadata().build()), present -> !present);
    }

    /** Subject, issuer, serial, validity and SHA-256 fingerprint prefix: enough to tell two certificates apart. */
    public static String describe(X509Certificate certificate) {
        if (certificate == null) {
            return "no certificate";
        }
        return "[subject " + certificate.getSubjectX500Principal().getName() + ", issuer "
                + certificate.getIssuerX500Principal().getName() + ", serial " + certificate.getSerialNumber().toString(16)
                + ", not before " + certificate.getNotBefore().toInstant() + ", SHA-256 " + fingerprint(certificate) + "]";
    }

    private static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 8) + "...";
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return "(" + e.getMessage() + ")";
        }
    }
}

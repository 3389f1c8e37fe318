package dev.secureingress.junit;

import dev.secureingress.ingress.CredentialRotation;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Replaces the credential a host is served with, then waits until a fresh handshake presents the new
 * certificate. Pick the new credential ({@link #toNewRoot()}, {@link #toNewLeaf()}, {@link #toPemFiles},
 * {@link #to(Credential)}) and how the Secret changes ({@link #deleteAndCreate()}, the seed's way and the
 * default, or {@link #inPlace()}), then {@link #apply()}.
 *
 * <pre>{@code
 * CredentialRotation.Result r = ingress.rotate("httpbin.example.com").toNewRoot().apply();
 * }</pre>
 */
public final class HostRotation {

    private final SecureIngress ingress;
    private final String hostname;
    private Credential next;
    private CertificateAuthority newRoot;
    private CredentialRotation.Strategy strategy = CredentialRotation.Strategy.DELETE_AND_CREATE;

    HostRotation(SecureIngress ingress, String hostname) {
        this.ingress = ingress;
        this.hostname = hostname;
    }

    /**
     * A new root CA with the same subject (the seed's {@code example_certs2}) and a new leaf from it. The
     * new root becomes the class's {@link SecureIngress#rootCa()}: clients made afterwards trust it, and
     * {@code ca.crt} of Secrets written afterwards holds it.
     */
    public HostRotation toNewRoot() {
        this.newRoot = ingress.newRootCa();
        this.next = ingress.issueServerCredential(newRoot, hostname);
        return this;
    }

    /** A new leaf (new key, new serial) from the current root. */
    public HostRotation toNewLeaf() {
        this.newRoot = null;
        this.next = ingress.issueServerCredential(ingress.rootCa(), hostname);
        return this;
    }

    /** The user's PEM files: a certificate chain (leaf first) and its private key. */
    public HostRotation toPemFiles(Path certificateChain, Path privateKey) {
        return to(SecureIngress.readPemFiles(certificateChain, privateKey));
    }

    /** Any credential; the class's root CA stays as it is. */
    public HostRotation to(Credential credential) {
        this.newRoot = null;
        this.next = Objects.requireNonNull(credential, "credential");
        return this;
    }

    /** Delete the Secret, then create it (the seed's {@code kubectl delete} + {@code kubectl create}); the default. */
    public HostRotation deleteAndCreate() {
        this.strategy = CredentialRotation.Strategy.DELETE_AND_CREATE;
        return this;
    }

    /** Update the Secret in place. */
    public HostRotation inPlace() {
        this.strategy = CredentialRotation.Strategy.UPDATE;
        return this;
    }

    /**
     * Replaces the Secret and waits (bounded by the ready timeout) until a fresh handshake presents the
     * new certificate.
     *
     * @throws IllegalStateException when no new credential was chosen
     * @throws dev.secureingress.cluster.WaitTimeoutException naming the certificate last served
     */
    public CredentialRotation.Result apply() {
        if (next == null) {
            throw new IllegalStateException("rotation of " + hostname + ": choose the new credential first, "
                    + "e.g. rotate(\"" + hostname + "\").toNewRoot().apply()");
        }
        return ingress.rotate(hostname, next, newRoot, strategy, ingress.servedCertificateProbe());
    }
}

package dev.secureingress.embedded.dataplane;

import dev.secureingress.tls.Credential;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * TLS termination of one HTTPS listener.
 *
 * @param certificates the server certificates (one per certificateRef, for example an RSA and an ECDSA one)
 * @param mode         Istio's {@code gateway.istio.io/tls-terminate-mode}
 * @param clientCas    the CA certificates that verify client certificates under MUTUAL and OPTIONAL_MUTUAL
 */
public record TlsProgram(List<ServerCertificate> certificates, TerminateMode mode,
                         List<X509Certificate> clientCas) {
    public TlsProgram {
        certificates = List.copyOf(certificates);
        clientCas = List.copyOf(clientCas);
    }

    /** A private key and its chain, leaf first, as read from one certificate secret. */
    public record ServerCertificate(PrivateKey privateKey, List<X509Certificate> chain) {
        public ServerCertificate {
            chain = List.copyOf(chain);
        }

        /** The key and chain (leaf and intermediates) of a credential. */
        public static ServerCertificate of(Credential credential) {
            return new ServerCertificate(credential.privateKey(), credential.chain());
        }

        /** Never shows the private key. */
        @Override
        public String toString() {
            return "ServerCertificate[" + (chain.isEmpty() ? "no chain" : chain.get(0).getSubjectX500Principal())
                    + ", " + chain.size() + " certificate(s)]";
        }
    }

    /** Values of Istio's {@code gateway.istio.io/tls-terminate-mode} option that terminate TLS here. */
    public enum TerminateMode { SIMPLE, MUTUAL, OPTIONAL_MUTUAL }
}

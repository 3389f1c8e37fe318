package dev.secureingress.junit;

import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.KeyAlgorithm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The PKI of one test class, as the seed makes it: a root CA, made on first use, the server credential each host
 * serves, issued by it on first use, and a client credential for mutual TLS. Rotations replace a host's credential
 * and, for a new root, the root that later credentials come from.
 */
final class ClassCredentials {

    private final KeyAlgorithm keyAlgorithm;
    private final Map<String, Credential> byHost = new LinkedHashMap<>();
    private CertificateAuthority rootCa;
    private Credential clientCredential;

    ClassCredentials(KeyAlgorithm keyAlgorithm) {
        this.keyAlgorithm = keyAlgorithm;
    }

    synchronized CertificateAuthority rootCa() {
        if (rootCa == null) {
            rootCa = newRootCa();
        }
        return rootCa;
    }

    CertificateAuthority newRootCa() {
        return CertificateAuthority.root(SecureIngress.ROOT_SUBJECT).keyAlgorithm(keyAlgorithm).build();
    }

    synchronized Credential forHost(String hostname) {
        return byHost.computeIfAbsent(hostname, host -> issueServer(rootCa(), host));
    }

    synchronized Map<String, Credential> byHost() {
        return Map.copyOf(byHost);
    }

    synchronized boolean hasHost(String hostname) {
        return byHost.containsKey(hostname);
    }

    synchronized Set<String> hosts() {
        return Set.copyOf(byHost.keySet());
    }

    synchronized Credential client() {
        if (clientCredential == null) {
            clientCredential = issueClient(rootCa());
        }
        return clientCredential;
    }

    Credential issueClient(CertificateAuthority issuer) {
        return issuer.issue().client().subject(SecureIngress.CLIENT_SUBJECT).keyAlgorithm(keyAlgorithm).build();
    }

    /** A server credential for {@code hostname} from {@code issuer}, with the seed's subject for that host. */
    Credential issueServer(CertificateAuthority issuer, String hostname) {
        String firstLabel = hostname.startsWith("*.") ? "wildcard"
                : hostname.substring(0, hostname.indexOf('.') < 0 ? hostname.length() : hostname.indexOf('.'));
        return issuer.issue().server(hostname).subject("CN=" + hostname + ",O=" + firstLabel + " organization")
                .keyAlgorithm(keyAlgorithm).build();
    }

    /** Makes {@code next} the host's credential and, unless {@code null}, {@code newRoot} the class's root. */
    synchronized void replace(String hostname, Credential next, CertificateAuthority newRoot) {
        if (newRoot != null) {
            rootCa = newRoot;
        }
        byHost.put(hostname, next);
    }
}

package dev.secureingress.client;

import dev.secureingress.tls.DistinguishedNames;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The certificate chain and private key a client presents for mutual TLS. {@link #toString()} never shows the key.
 */
record ClientIdentity(List<X509Certificate> chain, PrivateKey privateKey) {

    ClientIdentity {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("A client certificate chain needs at least the client's certificate");
        }
        if (!chain.get(0).getPublicKey().getAlgorithm().equals(privateKey.getAlgorithm())) {
            throw new IllegalArgumentException("The client private key (" + privateKey.getAlgorithm()
                    + ") does not match the client certificate "
                    + DistinguishedNames.display(chain.get(0).getSubjectX500Principal())
                    + " (" + chain.get(0).getPublicKey().getAlgorithm() + " key); pass the key issued with it");
        }
    }

    X509Certificate certificate() {
        return chain.get(0);
    }

    @Override
    public String toString() {
        return "ClientIdentity[" + DistinguishedNames.display(certificate().getSubjectX500Principal())
                + ", private key hidden]";
    }
}

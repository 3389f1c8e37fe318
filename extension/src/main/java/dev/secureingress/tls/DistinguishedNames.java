package dev.secureingress.tls;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x500.X500Name;

/** Parses subject DNs written the way openssl users read them, e.g. {@code O=example Inc.,CN=example.com}. */
public final class DistinguishedNames {

    private DistinguishedNames() {
    }

    /**
     * Parses a DN keeping the written order of its parts, so {@code O=example Inc.,CN=example.com} encodes like
     * openssl's {@code -subj '/O=example Inc./CN=example.com'}.
     */
    public static X500Name parse(String dn) {
        if (dn == null || dn.isBlank()) {
            throw new IllegalArgumentException("The subject DN is empty: give one such as \"CN=example.com\" "
                    + "or \"O=example Inc.,CN=example.com\"");
        }
        X500Name name;
        try {
            name = new X500Name(dn);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The subject DN \"" + dn + "\" cannot be parsed (" + e.getMessage()
                    + "): write it as comma-separated attributes such as \"O=example Inc.,CN=example.com\"", e);
        }
        if (name.getRDNs().length == 0) {
            throw new IllegalArgumentException("The subject DN \"" + dn + "\" has no attributes: give one such as "
                    + "\"CN=example.com\"");
        }
        return name;
    }

    /** A certificate name in encoded order, e.g. {@code O=example Inc.,CN=example.com} (as openssl shows it). */
    public static String display(X500Principal principal) {
        return X500Name.getInstance(principal.getEncoded()).toString();
    }
}

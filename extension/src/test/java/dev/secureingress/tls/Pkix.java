package dev.secureingress.tls;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.Set;

/** Validates chains with the JDK's PKIX CertPathValidator, as a TLS client would. */
final class Pkix {

    private Pkix() {
    }

    /** Validates now; throws if the chain (leaf first, root excluded) does not lead to the root. */
    static void validate(List<X509Certificate> chain, X509Certificate root) throws GeneralSecurityException {
        validate(chain, root, new Date());
    }

    static void validate(List<X509Certificate> chain, X509Certificate root, Date at) throws GeneralSecurityException {
        CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(chain);
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(at);
        CertPathValidator.getInstance("PKIX").validate(path, parameters);
    }
}

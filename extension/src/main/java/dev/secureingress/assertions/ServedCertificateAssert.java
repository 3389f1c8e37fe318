package dev.secureingress.assertions;

import dev.secureingress.tls.DistinguishedNames;
import dev.secureingress.tls.CertificateAuthority;
import org.assertj.core.api.AbstractAssert;
import org.bouncycastle.asn1.x500.X500Name;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Assertions on a certificate a server presented: who issued it (checked by signature, so that two roots with the
 * same subject, as in the seed's rotation, are told apart), its subject, its subject alternative names and its
 * validity window.
 */
public final class ServedCertificateAssert extends AbstractAssert<ServedCertificateAssert, X509Certificate> {

    private final List<X509Certificate> presentedChain;
    private final String context;

    ServedCertificateAssert(X509Certificate actual, List<X509Certificate> presentedChain, String context) {
        super(actual, ServedCertificateAssert.class);
        this.presentedChain = List.copyOf(presentedChain);
        this.context = context;
    }

    /** The certificate chains up to this CA (directly or through the presented intermediates). */
    public ServedCertificateAssert isIssuedBy(CertificateAuthority authority) {
        return isIssuedBy(authority.certificate());
    }

    /**
     * The certificate chains up to this CA certificate (directly or through the presented intermediates): the
     * signatures verify with the CA's key, not just the issuer names. Validity dates are not part of this check.
     */
    public ServedCertificateAssert isIssuedBy(X509Certificate caCertificate) {
        isNotNull();
        String problem = chainProblem(caCertificate);
        if (problem != null) {
            boolean sameName = presentedChain.stream().anyMatch(certificate -> !certificate.equals(caCertificate)
                    && certificate.getIssuerX500Principal().equals(caCertificate.getSubjectX500Principal()));
            reportFailure("Expected " + describe(actual) + " to be issued by " + describe(caCertificate)
                    + " but " + (sameName ? "it comes from another CA with the same name: " + problem
                    : problem));
        }
        return this;
    }

    /**
     * The subject is this distinguished name, written as for the PKI ({@code CN=httpbin.example.com,O=httpbin
     * organization}); the parts may also be given in reverse order.
     */
    public ServedCertificateAssert hasSubject(String distinguishedName) {
        isNotNull();
        X500Name expected = DistinguishedNames.parse(distinguishedName);
        if (!expected.equals(X500Name.getInstance(actual.getSubjectX500Principal().getEncoded()))) {
            reportFailure("Expected subject " + expected + " but was "
                    + DistinguishedNames.display(actual.getSubjectX500Principal()));
        }
        return this;
    }

    /** The DNS and IP subject alternative names are exactly these (in any order). */
    public ServedCertificateAssert hasSubjectAltNames(String... names) {
        isNotNull();
        Set<String> expected = new TreeSet<>(Arrays.asList(names));
        Set<String> actualNames = subjectAltNames(actual);
        if (!expected.equals(actualNames)) {
            reportFailure("Expected subject alternative names " + expected + " but were " + actualNames);
        }
        return this;
    }

    /** The certificate is valid now. */
    public ServedCertificateAssert isValidNow() {
        return isValidAt(Instant.now());
    }

    /** The certificate is valid at this instant. */
    public ServedCertificateAssert isValidAt(Instant instant) {
        isNotNull();
        if (instant.isBefore(actual.getNotBefore().toInstant()) || instant.isAfter(actual.getNotAfter().toInstant())) {
            reportFailure("Expected " + describe(actual) + " to be valid at " + instant + " but it is valid from "
                    + actual.getNotBefore().toInstant() + " to " + actual.getNotAfter().toInstant());
        }
        return this;
    }

    /** The certificate's validity ended before now. */
    public ServedCertificateAssert isExpired() {
        isNotNull();
        if (!actual.getNotAfter().toInstant().isBefore(Instant.now())) {
            reportFailure("Expected " + describe(actual) + " to have expired but it is valid until "
                    + actual.getNotAfter().toInstant());
        }
        return this;
    }

    /** The certificate is still valid at {@code instant} or later. */
    public ServedCertificateAssert expiresAfter(Instant instant) {
        isNotNull();
        if (!actual.getNotAfter().toInstant().isAfter(instant)) {
            reportFailure("Expected " + describe(actual) + " to expire after " + instant + " but it expires at "
                    + actual.getNotAfter().toInstant());
        }
        return this;
    }

    /** Why the presented chain does not lead to {@code ca} by issuer names and signatures, or null if it does. */
    private String chainProblem(X509Certificate ca) {
        List<X509Certificate> path = new ArrayList<>(presentedChain);
        // A chain that includes the CA itself is followed up to it.
        path.removeIf(certificate -> certificate.equals(ca));
        for (int i = 0; i < path.size(); i++) {
            X509Certificate certificate = path.get(i);
            X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : ca;
            if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
                return DistinguishedNames.display(certificate.getSubjectX500Principal()) + " names its issuer "
                        + DistinguishedNames.display(certificate.getIssuerX500Principal()) + ", not "
                        + DistinguishedNames.display(issuer.getSubjectX500Principal());
            }
            try {
                certificate.verify(issuer.getPublicKey());
            } catch (GeneralSecurityException e) {
                return "the signature of " + DistinguishedNames.display(certificate.getSubjectX500Principal())
                        + " does not verify with the key of " + describe(issuer);
            }
        }
        return null;
    }

    private static Set<String> subjectAltNames(X509Certificate certificate) {
        Set<String> names = new TreeSet<>();
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            if (entries != null) {
                for (List<?> entry : entries) {
                    int type = (Integer) entry.get(0);
                    if (type == 2 || type == 7) { // dNSName, iPAddress
                        names.add(String.valueOf(entry.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("Cannot read the subject alternative names of "
                    + DistinguishedNames.display(certificate.getSubjectX500Principal()) + ": " + e.getMessage(), e);
        }
        return names;
    }

    private static String describe(X509Certificate certificate) {
        return DistinguishedNames.display(certificate.getSubjectX500Principal()) + " (serial "
                + HexFormat.of().formatHex(certificate.getSerialNumber().toByteArray()) + ")";
    }

    private void reportFailure(String problem) {
        failWithMessage("%s", problem + context);
    }
}

package dev.secureingress.tls;

import java.util.Locale;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.util.IPAddress;

/** Turns the host names and IP addresses a server certificate is for into subjectAltName entries. */
final class SubjectAltNames {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private SubjectAltNames() {
    }

    /** A {@code dNSName} for host names (a leading {@code *.} label is a wildcard), an {@code iPAddress} for IPs. */
    static GeneralName of(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("A server host name is empty: give names such as "
                    + "\"httpbin.example.com\", \"*.example.com\" or \"127.0.0.1\"");
        }
        if (IPAddress.isValid(host)) {
            return new GeneralName(GeneralName.iPAddress, host);
        }
        return new GeneralName(GeneralName.dNSName, validDnsName(host));
    }

    private static String validDnsName(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        String[] labels = name.split("\\.", -1);
        boolean wildcard = labels[0].equals("*");
        boolean valid = name.length() <= 253 && (!wildcard || labels.length >= 3);
        for (int i = wildcard ? 1 : 0; valid && i < labels.length; i++) {
            valid = LABEL.matcher(labels[i]).matches();
        }
        if (!valid) {
            throw new IllegalArgumentException("\"" + host + "\" is not a valid host name for a certificate: use "
                    + "dot-separated labels of letters, digits and inner hyphens (max 63 characters each), "
                    + "optionally with a whole \"*\" as the first label over at least two more labels, "
                    + "e.g. \"httpbin.example.com\" or \"*.example.com\"; or an IP address such as \"10.0.0.1\"");
        }
        return name;
    }
}

package dev.secureingress.tls;

import java.util.Locale;
import java.util.Optional;

import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.util.IPAddress;

/** Turns the host names and IP addresses a server certificate is for into subjectAltName entries. */
final class SubjectAltNames {

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
        Optional<String> problem = DnsNames.problem(name, true);
        if (problem.isEmpty() && name.startsWith("*.") && name.split("\\.").length < 3) {
            problem = Optional.of("a certificate's wildcard stands for one label over at least two more");
        }
        if (problem.isPresent()) {
            throw new IllegalArgumentException("\"" + host + "\" is not a valid host name for a certificate ("
                    + problem.get() + "): use e.g. \"httpbin.example.com\" or \"*.example.com\"; or an IP address"
                    + " such as \"10.0.0.1\"");
        }
        return name;
    }
}

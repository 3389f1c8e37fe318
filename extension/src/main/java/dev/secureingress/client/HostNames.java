package dev.secureingress.client;

import dev.secureingress.tls.DnsNames;

import java.util.Locale;

/** Validation of the virtual host names a client addresses. */
final class HostNames {

    private HostNames() {
    }

    /** The host name in lower case; rejects anything that is not a DNS name. */
    static String requireHostName(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("A virtual host name is required, such as httpbin.example.com");
        }
        String normalized = host.toLowerCase(Locale.ROOT);
        DnsNames.problem(normalized, false).ifPresent(problem -> {
            throw new IllegalArgumentException("'" + host + "' is not a DNS host name (" + problem + "); use the"
                    + " virtual host the gateway serves, such as httpbin.example.com");
        });
        return normalized;
    }
}

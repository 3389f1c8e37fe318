package dev.secureingress.client;

import java.util.Locale;
import java.util.regex.Pattern;

/** Validation of the virtual host names a client addresses. */
final class HostNames {

    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    private HostNames() {
    }

    /** The host name in lower case; rejects anything that is not a DNS name. */
    static String requireHostName(String host) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("A virtual host name is required, such as httpbin.example.com");
        }
        String normalized = host.toLowerCase(Locale.ROOT);
        if (!DNS_NAME.matcher(normalized).matches()) {
            throw new IllegalArgumentException("'" + host + "' is not a DNS host name; use the virtual host the"
                    + " gateway serves, such as httpbin.example.com");
        }
        return normalized;
    }
}

package dev.secureingress.embedded.dataplane;

import java.util.Locale;

/**
 * Gateway API hostname matching: how specifically a listener or route hostname (exact, wildcard or absent)
 * matches a concrete hostname from SNI or the {@code Host} header.
 *
 * <p>Exact beats wildcard beats absent; among wildcards the longer suffix wins. {@code *.example.com}
 * matches one or more labels in front of {@code example.com} but not {@code example.com} itself.
 */
final class HostnameMatch {

    /** The hostname does not match. */
    static final int NO_MATCH = -1;
    /** An absent hostname matches everything, least specifically. */
    static final int ANY = 0;
    private static final int EXACT = 1_000_000;

    private HostnameMatch() {
    }

    /**
     * How specifically {@code pattern} matches {@code host}: {@link #NO_MATCH}, {@link #ANY} for a
     * {@code null} pattern, the suffix length for a wildcard, more than any wildcard for an exact match.
     */
    static int specificity(String pattern, String host) {
        if (pattern == null || pattern.isEmpty()) {
            return ANY;
        }
        if (host == null || host.isEmpty()) {
            return NO_MATCH;
        }
        String p = pattern.toLowerCase(Locale.ROOT);
        if (p.startsWith("*.")) {
            String suffix = p.substring(1);
            return host.length() > suffix.length() && host.endsWith(suffix) ? suffix.length() : NO_MATCH;
        }
        return p.equals(host) ? EXACT + p.length() : NO_MATCH;
    }

    /**
     * The hostname of a {@code Host} header or SNI value, lower case, without port and trailing dot;
     * {@code null} stays {@code null}.
     */
    static String normalize(String hostOrAuthority) {
        if (hostOrAuthority == null) {
            return null;
        }
        String host = hostOrAuthority.trim();
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            host = close > 0 ? host.substring(0, close + 1) : host;
        } else {
            int colon = host.indexOf(':');
            if (colon >= 0) {
                host = host.substring(0, colon);
            }
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.toLowerCase(Locale.ROOT);
    }
}

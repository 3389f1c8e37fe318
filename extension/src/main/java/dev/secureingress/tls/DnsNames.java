package dev.secureingress.tls;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The syntax of DNS host names, shared by certificates (subjectAltName), Gateway listener hostnames and the
 * virtual hosts a client addresses: dot-separated labels of lowercase letters, digits and inner hyphens,
 * at most 63 characters each and 253 in all; optionally a whole {@code *} as the first label.
 */
public final class DnsNames {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private DnsNames() {
    }

    /** True when {@code label} is one lowercase DNS label (also what a Service name must be). */
    public static boolean isLabel(String label) {
        return label != null && LABEL.matcher(label).matches();
    }

    /**
     * What is wrong with {@code name} as a lowercase DNS name, or empty when nothing is.
     *
     * @param wildcardAllowed whether a leading {@code *.} label is accepted
     */
    public static Optional<String> problem(String name, boolean wildcardAllowed) {
        if (name == null || name.isEmpty()) {
            return Optional.of("it is empty");
        }
        if (name.length() > 253) {
            return Optional.of("longer than 253 characters");
        }
        String[] labels = name.split("\\.", -1);
        boolean wildcard = labels[0].equals("*");
        if (wildcard && !wildcardAllowed) {
            return Optional.of("a wildcard is not a host name; name one host, such as httpbin.example.com");
        }
        if (wildcard && labels.length < 2) {
            return Optional.of("a wildcard needs a domain after '*.', e.g. *.example.com");
        }
        for (int i = wildcard ? 1 : 0; i < labels.length; i++) {
            String label = labels[i];
            if (!isLabel(label)) {
                return Optional.of(label.isEmpty() ? "empty label (leading, trailing or doubled '.')"
                        : "label '" + label + "' is not a DNS label (a-z, 0-9 and '-', not starting or ending with '-',"
                        + " at most 63 characters)");
            }
        }
        return Optional.empty();
    }
}

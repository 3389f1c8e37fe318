package dev.secureingress.ingress;

import dev.secureingress.tls.DnsNames;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/**
 * The generated names of one test class's ingress: its namespace, its Gateway and, per host, the
 * credential Secret, the HTTPRoute and the listener. A random suffix makes them unique in the cluster,
 * so that classes running in parallel (or a previous run kept with {@code secure-ingress.keep}) never
 * collide.
 *
 * @param namespace the namespace that holds the Gateway, Secrets, routes and fixtures
 * @param gateway   the Gateway's name
 * @param suffix    the random part shared by all names, 5 characters {@code [a-z0-9]}
 */
public record IngressNames(String namespace, String gateway, String suffix) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int MAX_SLUG = 40;

    /** The namespace prefix unless configured. */
    public static final String DEFAULT_NAMESPACE_PREFIX = "si-";
    /** The longest namespace prefix: with the slug and suffix the name stays within a DNS label's 63 characters. */
    public static final int MAX_NAMESPACE_PREFIX = 63 - MAX_SLUG - 6;

    /** Names for a class, readable in {@code kubectl get ns}: {@code si-<simple-class-name>-<suffix>}. */
    public static IngressNames forOwner(String ownerName) {
        return forOwner(DEFAULT_NAMESPACE_PREFIX, ownerName);
    }

    /**
     * Names for a class whose namespace starts with {@code namespacePrefix}: {@code <prefix><simple-class-name>-<suffix>}.
     *
     * @throws IllegalArgumentException when the prefix cannot start a namespace name (see {@link #namespacePrefixProblem})
     */
    public static IngressNames forOwner(String namespacePrefix, String ownerName) {
        namespacePrefixProblem(namespacePrefix).ifPresent(problem -> {
            throw new IllegalArgumentException("namespace prefix '" + namespacePrefix + "' " + problem);
        });
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            suffix.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return new IngressNames(namespacePrefix + slug(ownerName, MAX_SLUG) + "-" + suffix, "gateway-" + suffix,
                suffix.toString());
    }

    /**
     * What keeps {@code prefix} from starting namespace names, or empty: it must be lower-case letters,
     * digits and '-', start with a letter or digit, and be at most {@value #MAX_NAMESPACE_PREFIX} characters.
     */
    public static Optional<String> namespacePrefixProblem(String prefix) {
        if (prefix == null || prefix.length() > MAX_NAMESPACE_PREFIX || !DnsNames.isLabel(prefix + "x")) {
            return Optional.of("must be at most " + MAX_NAMESPACE_PREFIX + " lower-case letters, digits and '-',"
                    + " starting with a letter or digit (e.g. si- or ci-42-)");
        }
        return Optional.empty();
    }

    /** The Secret holding the host's credential, e.g. {@code httpbin-example-com-k3x9q-credential}. */
    public String secret(String hostname) {
        return slug(hostname, MAX_SLUG) + "-" + suffix + "-credential";
    }

    /** The HTTPRoute for the host, e.g. {@code httpbin-example-com}. */
    public String route(String hostname) {
        return slug(hostname, MAX_SLUG);
    }

    /** The Gateway listener for the host, e.g. {@code https-httpbin-example-com}. */
    public String listener(String hostname) {
        return "https-" + slug(hostname, MAX_SLUG);
    }

    /**
     * A DNS-label-safe rendering: lowercase, {@code *} as {@code wildcard}, anything else that is not
     * {@code [a-z0-9]} as {@code -}; CamelCase split with {@code -}; truncated to {@code max}.
     */
    static String slug(String text, int max) {
        String dashed = text.replace("*", "wildcard").replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
        String slug = dashed.replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > max) {
            slug = slug.substring(0, max).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? "x" : slug;
    }
}

package dev.secureingress.ingress;

import java.security.SecureRandom;
import java.util.Locale;

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

    /** Names for a class, readable in {@code kubectl get ns}: {@code si-<simple-class-name>-<suffix>}. */
    public static IngressNames forOwner(String ownerName) {
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            suffix.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return new IngressNames("si-" + slug(ownerName, MAX_SLUG) + "-" + suffix, "gateway-" + suffix, suffix.toString());
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

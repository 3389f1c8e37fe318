package dev.secureingress.embedded.api;

import java.security.SecureRandom;

/**
 * Names made up the way Kubernetes makes them up: random characters of its consonant-and-digit alphabet (so that
 * names never form words), as in {@code metadata.generateName} ({@code web-} becomes {@code web-x2kqp}) and in the
 * names of the pods of a ReplicaSet ({@code httpbin-7d9c4b6f5-x2kqp}).
 */
public final class GeneratedNames {

    /** The characters of generated names: no vowels, no {@code 0}, {@code 1} or {@code 3}. */
    public static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    /** How many random characters a generated name ends with. */
    public static final int SUFFIX_LENGTH = 5;
    /** The longest generated name: the length limit of a DNS label, which most names must also be. */
    static final int MAX_NAME_LENGTH = 63;

    private static final SecureRandom RANDOM = new SecureRandom();

    private GeneratedNames() {
    }

    /** {@value #SUFFIX_LENGTH} random characters of {@link #ALPHABET}, e.g. {@code x2kqp}. */
    public static String randomSuffix() {
        StringBuilder suffix = new StringBuilder(SUFFIX_LENGTH);
        for (int i = 0; i < SUFFIX_LENGTH; i++) {
            suffix.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return suffix.toString();
    }

    /**
     * What the API server makes of {@code metadata.generateName}: the prefix, cut so that the name stays within
     * {@value #MAX_NAME_LENGTH} characters, followed by a {@link #randomSuffix()}.
     */
    public static String fromPrefix(String generateName) {
        int kept = Math.min(generateName.length(), MAX_NAME_LENGTH - SUFFIX_LENGTH);
        return generateName.substring(0, kept) + randomSuffix();
    }
}

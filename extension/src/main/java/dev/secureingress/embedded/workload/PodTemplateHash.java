package dev.secureingress.embedded.workload;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Names the way Kubernetes' controllers do: the {@code pod-template-hash} of a Deployment's pod template
 * (FNV-1a of the template, spelled in the consonant-and-digit alphabet Kubernetes uses so names never form
 * words), and the random five-character suffix of pod names.
 */
final class PodTemplateHash {

    /** The label Deployments put on their ReplicaSets and pods. */
    static final String LABEL = "pod-template-hash";

    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private PodTemplateHash() {
    }

    /** A stable hash of the template, e.g. {@code 7d9c4b6f5}: equal templates give equal hashes. */
    static String of(PodTemplateSpec template) {
        byte[] json = Serialization.asJson(template).getBytes(StandardCharsets.UTF_8);
        int hash = 0x811c9dc5;
        for (byte b : json) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return safeEncode(Integer.toUnsignedString(hash));
    }

    /** Five random characters, as in {@code httpbin-7d9c4b6f5-x2kqp}. */
    static String randomSuffix() {
        StringBuilder suffix = new StringBuilder(5);
        for (int i = 0; i < 5; i++) {
            suffix.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return suffix.toString();
    }

    private static String safeEncode(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(ALPHABET.charAt(c % ALPHABET.length()));
        }
        return out.toString();
    }
}

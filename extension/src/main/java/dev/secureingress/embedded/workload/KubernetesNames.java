package dev.secureingress.embedded.workload;

import dev.secureingress.embedded.api.GeneratedNames;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.nio.charset.StandardCharsets;

/**
 * Generated names the way Kubernetes' controllers spell them, in its consonant-and-digit alphabet (so that
 * names never form words): the {@code pod-template-hash} of a Deployment's pod template, random pod-name
 * suffixes and stable suffixes for objects updated in place (EndpointSlices).
 */
final class KubernetesNames {

    /** The label Deployments put on their ReplicaSets and pods. */
    static final String POD_TEMPLATE_HASH_LABEL = "pod-template-hash";

    private static final String ALPHABET = GeneratedNames.ALPHABET;

    private KubernetesNames() {
    }

    /** A stable hash of the template, e.g. {@code 7d9c4b6f5}: equal templates (written as {@code json}) give equal hashes. */
    static String templateHash(PodTemplateSpec template, KubernetesSerialization json) {
        return safeEncode(Integer.toUnsignedString(fnv1a(json.asJson(template))));
    }

    /** Five random characters, as in {@code httpbin-7d9c4b6f5-x2kqp}. */
    static String randomSuffix() {
        return GeneratedNames.randomSuffix();
    }

    /** Five characters that depend only on {@code seed}. */
    static String stableSuffix(String seed) {
        String encoded = safeEncode(Integer.toUnsignedString(fnv1a(seed)));
        return encoded.substring(encoded.length() - 5);
    }

    private static int fnv1a(String text) {
        int hash = 0x811c9dc5;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return hash;
    }

    private static String safeEncode(String digits) {
        StringBuilder out = new StringBuilder(digits.length());
        for (char c : digits.toCharArray()) {
            out.append(ALPHABET.charAt(c % ALPHABET.length()));
        }
        return out.toString();
    }
}

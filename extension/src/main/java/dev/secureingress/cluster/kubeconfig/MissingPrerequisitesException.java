package dev.secureingress.cluster.kubeconfig;

import java.util.List;

/**
 * An existing cluster lacks what the tests need (Gateway API CRDs, istiod, the {@code istio}
 * GatewayClass). The message lists each missing piece and how to install it.
 */
public class MissingPrerequisitesException extends IllegalStateException {

    private final List<String> missing;

    public MissingPrerequisitesException(String cluster, List<String> missing, List<String> howToFix) {
        super(message(cluster, missing, howToFix));
        this.missing = List.copyOf(missing);
    }

    /** One line per missing piece. */
    public List<String> missing() {
        return missing;
    }

    private static String message(String cluster, List<String> missing, List<String> howToFix) {
        StringBuilder text = new StringBuilder("The cluster at ").append(cluster)
                .append(" is not ready for secure-ingress tests:");
        missing.forEach(m -> text.append("\n  - ").append(m));
        text.append("\nTo fix:");
        howToFix.forEach(h -> text.append("\n  ").append(h));
        return text.toString();
    }
}

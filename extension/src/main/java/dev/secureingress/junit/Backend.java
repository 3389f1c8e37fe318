package dev.secureingress.junit;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Where the cluster comes from; see {@link SecureIngressTest#backend()}. */
public enum Backend {
    /** In-JVM API server, gateway and sample apps: no Docker needed. */
    EMBEDDED,
    /** k3s with Istio in a Testcontainers container: needs Docker. */
    K3S,
    /** An existing cluster reached through a kubeconfig. */
    KUBECONFIG,
    /** {@link #K3S} where Testcontainers finds Docker, else {@link #EMBEDDED}; the choice and its reason are logged and reported. */
    AUTO;

    /** The lowercase name used in annotations and configuration parameters. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Backend> parse(String value) {
        return Arrays.stream(values()).filter(b -> b.configName().equalsIgnoreCase(value.trim())).findFirst();
    }

    static String choices() {
        return Arrays.stream(values()).map(Backend::configName).collect(Collectors.joining(", "));
    }
}

package dev.secureingress.embedded.gateway;

import dev.secureingress.tls.Credential;
import dev.secureingress.tls.SecretLayout;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Gateway API conformance suite's manifests (v1.6.1 base manifests and a few tests), read from
 * {@code <secure-ingress.upstream>/gateway-api-conformance} (default {@value #DEFAULT_UPSTREAM}) and applied
 * unmodified except for the suite's own {@code {GATEWAY_CLASS_NAME}} placeholder. They are not part of
 * this repository; tests using them are skipped, with the reason, where they are absent.
 */
final class ConformanceManifests {

    static final String UPSTREAM_PROPERTY = "secure-ingress.upstream";
    static final String DEFAULT_UPSTREAM = "/work/shared/upstream";
    static final String INFRA = "gateway-conformance-infra";
    /** The certificate secret the suite creates itself before its tests (not in the manifests). */
    static final String CERTIFICATE_SECRET = "tls-validity-checks-certificate";
    /** The hostnames the suite's HTTPS tests use. */
    static final List<String> HOSTNAMES = List.of("example.org", "second-example.org", "*.wildcard.org");

    private ConformanceManifests() {
    }

    static Path directory() {
        return Path.of(System.getProperty(UPSTREAM_PROPERTY, DEFAULT_UPSTREAM), "gateway-api-conformance");
    }

    /** Why the manifests cannot be used here, or empty when they are present. */
    static Optional<String> missing() {
        Path dir = directory();
        return Files.isRegularFile(dir.resolve("base-manifests.yaml")) ? Optional.empty()
                : Optional.of("the Gateway API conformance manifests are not at " + dir + "; set -D"
                + UPSTREAM_PROPERTY + "=<directory holding gateway-api-conformance/>");
    }

    /** Applies the base manifests, the suite's certificate secret, then every test manifest. */
    static void applyAll(KubernetesClient client, Credential certificate) throws IOException {
        Path dir = directory();
        apply(client, dir.resolve("base-manifests.yaml"));
        SecretLayout.TLS.secrets(INFRA, CERTIFICATE_SECRET, certificate).forEach(s -> client.resource(s).create());
        try (Stream<Path> tests = Files.list(dir.resolve("tests"))) {
            for (Path test : tests.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                apply(client, test);
            }
        }
    }

    private static void apply(KubernetesClient client, Path manifest) throws IOException {
        String yaml = Files.readString(manifest).replace("{GATEWAY_CLASS_NAME}", GatewayController.CLASS_NAME);
        List<HasMetadata> items = client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
        for (HasMetadata item : items) {
            client.resource(item).create();
        }
    }
}

package dev.secureingress.junit;

import dev.secureingress.fixtures.Fixture;
import dev.secureingress.ingress.HostSpec;
import dev.secureingress.tls.KeyAlgorithm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The resolved settings of one test class: annotation attributes over configuration parameters over
 * defaults (see {@link SecureIngressTest}).
 *
 * @param backend        the backend as configured ({@link Backend#AUTO} not yet decided)
 * @param kubeconfig     the kubeconfig for {@link Backend#KUBECONFIG}; {@code null} means the usual lookup
 *                       ({@code KUBECONFIG}, {@code ~/.kube/config})
 * @param kubeconfigContext the kubeconfig context for {@link Backend#KUBECONFIG}; {@code null} means its
 *                       current context
 * @param namespacePrefix how the names of the namespaces test classes get begin ({@code si-} unless set)
 * @param fixtures       sample apps to deploy, each once
 * @param keyAlgorithm   of generated CAs and leaves
 * @param startupTimeout cluster and fixtures
 * @param readyTimeout   Gateways, routes, rotations
 * @param requestTimeout the injected client's timeouts
 * @param keep           keep the class's resources after the class
 * @param hosts          declared hosts
 * @param manifests      users' manifest locations
 * @param diagnosticsDir where failure dumps go ({@code secure-ingress.diagnostics-dir},
 *                       default {@code target/secure-ingress})
 */
public record SecureIngressSettings(Backend backend, Path kubeconfig, String kubeconfigContext, String namespacePrefix,
                                    List<Fixture> fixtures, KeyAlgorithm keyAlgorithm,
                                    Duration startupTimeout, Duration readyTimeout, Duration requestTimeout,
                                    boolean keep, List<HostSpec> hosts, List<String> manifests, Path diagnosticsDir) {

    public SecureIngressSettings {
        fixtures = List.copyOf(fixtures);
        hosts = List.copyOf(hosts);
        manifests = List.copyOf(manifests);
    }
}

package dev.secureingress.embedded.gateway;

import dev.secureingress.embedded.dataplane.TlsProgram;
import dev.secureingress.embedded.dataplane.TlsProgram.ServerCertificate;
import dev.secureingress.embedded.dataplane.TlsProgram.TerminateMode;
import dev.secureingress.tls.SecretLayout;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerTLSConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves an HTTPS listener's {@code tls} into a {@link TlsProgram}, reading certificates from secrets in
 * every layout Istio accepts for a credential named N:
 * <ul>
 *   <li>a TLS secret: {@code tls.crt}, {@code tls.key}, optional {@code ca.crt};</li>
 *   <li>a generic secret: {@code cert}, {@code key}, optional {@code cacert};</li>
 *   <li>the CA for client certificates may also live in a separate secret {@code N-cacert}
 *       ({@code ca.crt} or {@code cacert}), which is looked up first.</li>
 * </ul>
 * Secrets are read with {@link SecretLayout} and cached by resource version, so an unchanged secret is not
 * parsed again.
 */
final class CertificateRefs {

    static final String TERMINATE_MODE_OPTION = "gateway.istio.io/tls-terminate-mode";
    static final String CA_SECRET_SUFFIX = SecretLayout.CACERT_SUFFIX;

    /** The listener's TLS program, or the condition that explains why there is none. */
    record Resolution(TlsProgram program, String conditionType, String reason, String message) {
        static Resolution resolved(TlsProgram program) {
            return new Resolution(program, null, null, null);
        }

        static Resolution failed(String conditionType, String reason, String message) {
            return new Resolution(null, conditionType, reason, message);
        }

        boolean isResolved() {
            return program != null;
        }
    }

    /** One secret as read: the server credential and/or CA certificates, or what is wrong with each. */
    private record SecretContent(String resourceVersion, ServerCertificate certificate, String certificateError,
                                 List<X509Certificate> cas, String caError) {
    }

    private final ClusterView cluster;
    private final ReferenceGrants grants;
    private final Map<String, SecretContent> parsed = new HashMap<>();

    CertificateRefs(ClusterView cluster, ReferenceGrants grants) {
        this.cluster = cluster;
        this.grants = grants;
    }

    Resolution resolve(Gateway gateway, Listener listener) {
        String gatewayNamespace = gateway.getMetadata().getNamespace();
        ListenerTLSConfig tls = listener.getTls();
        if (tls == null || tls.getCertificateRefs() == null || tls.getCertificateRefs().isEmpty()) {
            return Resolution.failed(Conditions.RESOLVED_REFS, "InvalidCertificateRef",
                    "HTTPS listener " + listener.getName() + " has no tls.certificateRefs: reference the Secret "
                            + "holding its certificate and key");
        }
        if (tls.getMode() != null && !tls.getMode().isEmpty() && !"Terminate".equals(tls.getMode())) {
            return Resolution.failed(Conditions.ACCEPTED, "UnsupportedValue",
                    "tls.mode " + tls.getMode() + " is not supported on an HTTPS listener: use Terminate");
        }
        TerminateMode mode;
        String modeOption = tls.getOptions() == null ? null : tls.getOptions().get(TERMINATE_MODE_OPTION);
        try {
            mode = modeOption == null || modeOption.isEmpty() ? TerminateMode.SIMPLE
                    : TerminateMode.valueOf(modeOption.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Resolution.failed(Conditions.ACCEPTED, "UnsupportedValue",
                    "tls.options " + TERMINATE_MODE_OPTION + "=" + modeOption
                            + " is not supported: use SIMPLE, MUTUAL or OPTIONAL_MUTUAL");
        }

        List<ServerCertificate> certificates = new ArrayList<>();
        List<X509Certificate> cas = new ArrayList<>();
        List<String> caSources = new ArrayList<>();
        for (SecretObjectReference ref : tls.getCertificateRefs()) {
            String group = ref.getGroup() == null ? ReferenceGrants.CORE_GROUP : ref.getGroup();
            String kind = ref.getKind() == null ? "Secret" : ref.getKind();
            String namespace = ref.getNamespace() == null || ref.getNamespace().isEmpty()
                    ? gatewayNamespace : ref.getNamespace();
            String described = "certificateRef " + describe(group, kind) + " " + namespace + "/" + ref.getName();
            if (!group.isEmpty() || !"Secret".equals(kind)) {
                return Resolution.failed(Conditions.RESOLVED_REFS, "InvalidCertificateRef", described
                        + " is not supported: reference a core Secret (group \"\", kind Secret)");
            }
            if (!grants.permits(ReferenceGrants.GATEWAY_GROUP, "Gateway", gatewayNamespace,
                    ReferenceGrants.CORE_GROUP, "Secret", namespace, ref.getName())) {
                return Resolution.failed(Conditions.RESOLVED_REFS, "RefNotPermitted", described
                        + " is in another namespace and no ReferenceGrant in " + namespace
                        + " allows Gateways from " + gatewayNamespace + " to reference it");
            }
            Secret secret = cluster.secret(namespace, ref.getName());
            if (secret == null) {
                return Resolution.failed(Conditions.RESOLVED_REFS, "InvalidCertificateRef",
                        described + " does not exist: create the Secret with tls.crt and tls.key");
            }
            SecretContent content = read(secret);
            if (content.certificate() == null) {
                return Resolution.failed(Conditions.RESOLVED_REFS, "InvalidCertificateRef",
                        described + " is not a valid certificate secret: " + content.certificateError());
            }
            certificates.add(content.certificate());

            Secret caSecret = cluster.secret(namespace, ref.getName() + CA_SECRET_SUFFIX);
            SecretContent caContent = caSecret != null ? read(caSecret) : content;
            String caSource = "secret " + namespace + "/" + (caSecret != null ? ref.getName() + CA_SECRET_SUFFIX : ref.getName());
            if (caContent.caError() != null && mode != TerminateMode.SIMPLE) {
                return Resolution.failed(Conditions.RESOLVED_REFS, "InvalidCertificateRef",
                        "the CA certificate in " + caSource + " is not valid: " + caContent.caError());
            }
            if (!caContent.cas().isEmpty()) {
                cas.addAll(caContent.cas());
                caSources.add(caSource);
            }
        }
        if (mode == TerminateMode.SIMPLE) {
            return Resolution.resolved(new TlsProgram(certificates, mode, List.of()));
        }
        if (cas.isEmpty()) {
            SecretObjectReference first = tls.getCertificateRefs().get(0);
            return Resolution.failed(Conditions.RESOLVED_REFS, "InvalidCertificateRef",
                    TERMINATE_MODE_OPTION + " " + mode + " needs a CA certificate to verify client certificates,"
                            + " but none was found: add ca.crt (TLS secret) or cacert (generic secret) to "
                            + first.getName() + ", or create the secret " + first.getName() + CA_SECRET_SUFFIX);
        }
        return Resolution.resolved(new TlsProgram(certificates, mode, cas));
    }

    /** Forgets parsed secrets that no longer exist. */
    void retainOnly(java.util.Set<String> secretKeys) {
        parsed.keySet().retainAll(secretKeys);
    }

    private SecretContent read(Secret secret) {
        String key = ClusterView.key(secret);
        String version = secret.getMetadata().getResourceVersion();
        SecretContent cached = parsed.get(key);
        if (cached != null && version != null && version.equals(cached.resourceVersion())) {
            return cached;
        }
        SecretContent content = parse(secret);
        parsed.put(key, content);
        return content;
    }

    private static SecretContent parse(Secret secret) {
        ServerCertificate certificate = null;
        String certificateError = null;
        try {
            certificate = ServerCertificate.of(SecretLayout.credentialOf(secret));
        } catch (IllegalArgumentException e) {
            certificateError = e.getMessage();
        }
        List<X509Certificate> cas = List.of();
        String caError = null;
        try {
            cas = SecretLayout.caCertificatesOf(secret);
        } catch (IllegalArgumentException e) {
            caError = e.getMessage();
        }
        return new SecretContent(secret.getMetadata().getResourceVersion(), certificate, certificateError, cas, caError);
    }

    private static String describe(String group, String kind) {
        return group.isEmpty() ? kind : kind + "." + group;
    }
}

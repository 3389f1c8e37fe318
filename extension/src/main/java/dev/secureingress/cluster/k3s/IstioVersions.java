package dev.secureingress.cluster.k3s;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Istio release and the Gateway API CRD release installed next to it, checked against Istio's
 * support table: newer CRDs than an Istio release supports can keep istiod from becoming ready, older
 * ones lack fields Istio reads.
 *
 * <pre>{@code
 * IstioVersions.defaults();                     // Istio 1.27.0 with Gateway API v1.3.0
 * IstioVersions.forIstio("1.25.4");             // Gateway API v1.2.1, the release Istio 1.25 supports
 * IstioVersions.of("1.27.0", "v1.3.0");         // checked; "1.24.0" with "v1.4.0" is refused
 * }</pre>
 *
 * @param istio      the Istio release, e.g. {@code 1.27.0} (the Helm chart version)
 * @param gatewayApi the Gateway API release, e.g. {@code v1.3.0}
 */
public record IstioVersions(String istio, String gatewayApi) {

    /** Istio minor releases and the Gateway API minor release each supports. */
    private static final List<Support> SUPPORT = List.of(
            new Support(22, 23, 1, "v1.1.0"),
            new Support(24, 25, 2, "v1.2.1"),
            new Support(26, 27, 3, "v1.3.0"),
            new Support(28, 29, 4, "v1.4.0"),
            new Support(30, 30, 5, "v1.5.1"));

    private static final Pattern ISTIO = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Pattern GATEWAY_API = Pattern.compile("v(\\d+)\\.(\\d+)\\.(\\d+)");

    /** The defaults: Istio 1.27.0 with Gateway API v1.3.0. */
    public static final IstioVersions DEFAULT = of("1.27.0", "v1.3.0");

    public IstioVersions {
        Objects.requireNonNull(istio, "istio");
        Objects.requireNonNull(gatewayApi, "gatewayApi");
        Support support = supportFor(istio);
        int gatewayApiMinor = gatewayApiMinor(gatewayApi);
        if (gatewayApiMinor != support.gatewayApiMinor()) {
            throw new IllegalArgumentException("Istio " + istio + " does not support Gateway API " + gatewayApi
                    + ": Istio 1." + support.fromMinor() + (support.toMinor() == support.fromMinor() ? "" : "-1." + support.toMinor())
                    + " supports Gateway API v1." + support.gatewayApiMinor() + ".x (e.g. " + support.recommended()
                    + "). Choose the versions together, e.g. IstioVersions.forIstio(\"" + istio + "\"), or set both "
                    + "secure-ingress.k3s.istio-version and secure-ingress.k3s.gateway-api-version. " + table());
        }
    }

    /** Istio 1.27.0 with Gateway API v1.3.0. */
    public static IstioVersions defaults() {
        return DEFAULT;
    }

    /** The pair, checked: an incompatible pair throws {@link IllegalArgumentException} naming both and the table. */
    public static IstioVersions of(String istio, String gatewayApi) {
        return new IstioVersions(istio, gatewayApi);
    }

    /** The given Istio release with the Gateway API release it supports. */
    public static IstioVersions forIstio(String istio) {
        return new IstioVersions(istio, supportFor(istio).recommended());
    }

    /**
     * The Gateway API minor release Istio supports, when the Istio release is in the table; used to
     * check clusters we did not install ourselves.
     */
    public static Optional<String> supportedGatewayApi(String istio) {
        try {
            Support support = supportFor(istio);
            return Optional.of("v1." + support.gatewayApiMinor() + ".x");
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }

    /** True when the Gateway API release (e.g. {@code v1.3.0}) is the minor release the Istio release supports. */
    public static boolean compatible(String istio, String gatewayApi) {
        try {
            return supportFor(istio).gatewayApiMinor() == gatewayApiMinor(gatewayApi);
        } catch (IllegalArgumentException malformedOrUnknown) {
            return false;
        }
    }

    /** The release URL of the standard-channel CRDs, {@code .../releases/download/<v>/standard-install.yaml}. */
    public String gatewayApiStandardInstallUrl() {
        return "https://github.com/kubernetes-sigs/gateway-api/releases/download/" + gatewayApi + "/standard-install.yaml";
    }

    /** The support table as one line, for error messages. */
    public static String table() {
        StringBuilder line = new StringBuilder("Supported pairs:");
        for (Support s : SUPPORT) {
            line.append(" Istio 1.").append(s.fromMinor());
            if (s.toMinor() != s.fromMinor()) {
                line.append("-1.").append(s.toMinor());
            }
            line.append(" -> Gateway API v1.").append(s.gatewayApiMinor()).append(".x;");
        }
        return line.substring(0, line.length() - 1) + ".";
    }

    private static Support supportFor(String istio) {
        Matcher m = ISTIO.matcher(istio);
        if (!m.matches()) {
            throw new IllegalArgumentException("Istio version '" + istio
                    + "' is not a release number like 1.27.0 (the Helm chart version of charts base and istiod)");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return SUPPORT.stream()
                .filter(s -> major == 1 && minor >= s.fromMinor() && minor <= s.toMinor())
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Istio " + istio
                        + " is not in the supported range 1.22-1.30. " + table()));
    }

    private static int gatewayApiMinor(String gatewayApi) {
        Matcher m = GATEWAY_API.matcher(gatewayApi);
        if (!m.matches() || !m.group(1).equals("1")) {
            throw new IllegalArgumentException("Gateway API version '" + gatewayApi
                    + "' is not a release tag like v1.3.0 (see https://github.com/kubernetes-sigs/gateway-api/releases)");
        }
        return Integer.parseInt(m.group(2));
    }

    private record Support(int fromMinor, int toMinor, int gatewayApiMinor, String recommended) {
    }
}

package dev.secureingress.junit;

import dev.secureingress.fixtures.Fixture;
import dev.secureingress.ingress.HostSpec;
import dev.secureingress.ingress.IngressNames;
import dev.secureingress.ingress.IngressPlaceholders;
import dev.secureingress.ingress.IngressPlan;
import dev.secureingress.ingress.ManifestTemplate;
import dev.secureingress.tls.KeyAlgorithm;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Resolves {@link SecureIngressSettings} from a class's {@link SecureIngressTest} and the JUnit
 * configuration parameters. Every bad value becomes an {@link ExtensionConfigurationException} that
 * names the attribute or parameter, the value, and how to fix it.
 */
final class SettingsResolver {

    static final String PREFIX = "secure-ingress.";
    static final String BACKEND = PREFIX + "backend";
    static final String KUBECONFIG = PREFIX + "kubeconfig";
    static final String KUBECONFIG_CONTEXT = PREFIX + "kubeconfig-context";
    static final String NAMESPACE_PREFIX = PREFIX + "namespace-prefix";
    static final String FIXTURES = PREFIX + "fixtures";
    static final String KEY_ALGORITHM = PREFIX + "key-algorithm";
    static final String STARTUP_TIMEOUT = PREFIX + "startup-timeout";
    static final String READY_TIMEOUT = PREFIX + "ready-timeout";
    static final String REQUEST_TIMEOUT = PREFIX + "request-timeout";
    static final String KEEP = PREFIX + "keep";
    static final String DIAGNOSTICS_DIR = PREFIX + "diagnostics-dir";

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final SecureIngressTest annotation;
    private final String className;
    private final ClassLoader classLoader;
    private final Function<String, Optional<String>> parameters;

    /**
     * @param annotation the class's annotation
     * @param className  for messages
     * @param classLoader where {@code classpath:} manifests are found
     * @param parameters JUnit's {@code ExtensionContext::getConfigurationParameter}
     */
    SettingsResolver(SecureIngressTest annotation, String className, ClassLoader classLoader,
                     Function<String, Optional<String>> parameters) {
        this.annotation = annotation;
        this.className = className;
        this.classLoader = classLoader;
        this.parameters = parameters;
    }

    SecureIngressSettings resolve() {
        Backend backend = setting("backend", annotation.backend(), BACKEND, "auto",
                "one of " + Backend.choices(), value -> Backend.parse(value).orElse(null));
        KeyAlgorithm keyAlgorithm = setting("keyAlgorithm", annotation.keyAlgorithm(), KEY_ALGORITHM, "ECDSA_P256",
                "one of " + Arrays.toString(KeyAlgorithm.values()), SettingsResolver::keyAlgorithm);
        Duration startup = setting("startupTimeout", annotation.startupTimeout(), STARTUP_TIMEOUT, "5m",
                "a positive duration such as 90s, 2m, 500ms or PT2M", SettingsResolver::duration);
        Duration ready = setting("readyTimeout", annotation.readyTimeout(), READY_TIMEOUT, "60s",
                "a positive duration such as 30s, 2m, 500ms or PT30S", SettingsResolver::duration);
        Duration request = setting("requestTimeout", annotation.requestTimeout(), REQUEST_TIMEOUT, "10s",
                "a positive duration such as 10s, 500ms or PT10S", SettingsResolver::duration);
        Boolean keep = setting("keep", annotation.keep(), KEEP, "false", "true or false", SettingsResolver::bool);
        List<Fixture> fixtures = fixtures();
        Path kubeconfig = parameters.apply(KUBECONFIG).filter(s -> !s.isBlank()).map(Path::of).orElse(null);
        String context = parameters.apply(KUBECONFIG_CONTEXT).filter(s -> !s.isBlank()).map(String::trim).orElse(null);
        String namespacePrefix = namespacePrefix();
        Path diagnostics = Path.of(parameters.apply(DIAGNOSTICS_DIR).filter(s -> !s.isBlank()).orElse("target/secure-ingress"));
        return new SecureIngressSettings(backend, kubeconfig, context, namespacePrefix, fixtures, keyAlgorithm, startup, ready, request, keep,
                hosts(), manifests(), diagnostics);
    }

    /** The prefix of the class namespaces' names; see {@link IngressNames#namespacePrefixProblem}. */
    private String namespacePrefix() {
        String prefix = parameters.apply(NAMESPACE_PREFIX).map(String::trim).orElse(IngressNames.DEFAULT_NAMESPACE_PREFIX);
        IngressNames.namespacePrefixProblem(prefix).ifPresent(problem -> {
            throw new ExtensionConfigurationException("configuration parameter " + NAMESPACE_PREFIX + "=" + prefix
                    + " is invalid: it " + problem);
        });
        return prefix;
    }

    /** The manifest locations, each loaded and its placeholders checked now, before any cluster starts. */
    private List<String> manifests() {
        String[] manifests = annotation.manifests();
        for (int i = 0; i < manifests.length; i++) {
            try {
                IngressPlaceholders.validate(ManifestTemplate.load(manifests[i], classLoader));
            } catch (IllegalArgumentException e) {
                throw new ExtensionConfigurationException("@SecureIngressTest(manifests[" + i + "]) on " + className
                        + ": " + e.getMessage());
            }
        }
        return List.of(manifests);
    }

    private List<Fixture> fixtures() {
        boolean fromAnnotation = annotation.fixtures().length > 0;
        List<String> names = fromAnnotation ? Arrays.asList(annotation.fixtures())
                : parameters.apply(FIXTURES).map(SettingsResolver::commaList).orElse(List.of());
        List<Fixture> fixtures = new ArrayList<>();
        for (String name : names) {
            Fixture fixture = fixture(name);
            if (fixture == null) {
                String where = fromAnnotation ? "@SecureIngressTest(fixtures = \"" + name + "\") on " + className
                        : "configuration parameter " + FIXTURES + " names fixture '" + name + "' but it";
                throw new ExtensionConfigurationException(where + " is not a known fixture; known fixtures: "
                        + fixtureChoices() + " (deploy your own workloads with manifests = ...)");
            }
            if (!fixtures.contains(fixture)) {
                fixtures.add(fixture);
            }
        }
        return fixtures;
    }

    /** {@code httpbin}, {@code helloworld-v1}, ...: the enum name in lowercase with '-' for '_'. */
    static String fixtureName(Fixture fixture) {
        return fixture.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static Fixture fixture(String name) {
        return Arrays.stream(Fixture.values()).filter(f -> fixtureName(f).equalsIgnoreCase(name.trim().replace('_', '-')))
                .findFirst().orElse(null);
    }

    private static String fixtureChoices() {
        return Arrays.stream(Fixture.values()).map(SettingsResolver::fixtureName).collect(Collectors.joining(", "));
    }

    private List<HostSpec> hosts() {
        List<HostSpec> hosts = new ArrayList<>();
        IngressHost[] declared = annotation.hosts();
        for (int i = 0; i < declared.length; i++) {
            IngressHost host = declared[i];
            try {
                hosts.add(HostSpec.host(host.name()).backend(host.backend())
                        .paths(host.pathType(), host.paths()).tls(host.tls()).build());
            } catch (IllegalArgumentException e) {
                throw new ExtensionConfigurationException("@SecureIngressTest(hosts[" + i + "]) on " + className + ": "
                        + e.getMessage());
            }
        }
        try {
            IngressPlan.requireDistinctHosts(hosts);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@SecureIngressTest(hosts) on " + className + ": " + e.getMessage());
        }
        return hosts;
    }

    /**
     * The attribute if set, else the configuration parameter if set, else the default; each parsed by
     * {@code parser}, which returns {@code null} for a value it rejects.
     */
    private <T> T setting(String attribute, String attributeValue, String parameter, String defaultValue,
                          String expected, Function<String, T> parser) {
        if (!attributeValue.isBlank()) {
            return parse(attributeValue, parser, () -> "@SecureIngressTest(" + attribute + " = \"" + attributeValue
                    + "\") on " + className + " is invalid; write " + expected);
        }
        Optional<String> configured = parameters.apply(parameter).filter(s -> !s.isBlank());
        if (configured.isPresent()) {
            return parse(configured.get(), parser, () -> "configuration parameter " + parameter + "=" + configured.get()
                    + " is invalid; set it (-D" + parameter + "=..., junit-platform.properties) to " + expected
                    + ", or override it with @SecureIngressTest(" + attribute + " = ...)");
        }
        return parser.apply(defaultValue);
    }

    private static <T> T parse(String value, Function<String, T> parser, java.util.function.Supplier<String> message) {
        T parsed;
        try {
            parsed = parser.apply(value.trim());
        } catch (RuntimeException e) {
            parsed = null;
        }
        if (parsed == null) {
            throw new ExtensionConfigurationException(message.get());
        }
        return parsed;
    }

    static Duration duration(String text) {
        Matcher m = SHORT_DURATION.matcher(text.trim());
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } else {
            try {
                d = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return d.isNegative() || d.isZero() ? null : d;
    }

    private static Boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static KeyAlgorithm keyAlgorithm(String text) {
        String normal = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(KeyAlgorithm.values()).filter(k -> k.name().equals(normal)).findFirst().orElse(null);
    }

    private static List<String> commaList(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    }
}

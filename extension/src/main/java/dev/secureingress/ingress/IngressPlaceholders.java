package dev.secureingress.ingress;

import java.util.ArrayList;
import java.util.List;

/**
 * What the placeholders of a {@link ManifestTemplate} stand for in a test class's ingress:
 * {@code ${namespace}} and {@code ${gateway}} from its {@link IngressNames}, {@code ${secret:HOST}} the
 * name of HOST's credential Secret.
 */
public final class IngressPlaceholders {

    /** The placeholders, as listed in error messages. */
    public static final String KNOWN = "${namespace}, ${gateway}, ${secret:HOST}";

    private IngressPlaceholders() {
    }

    /**
     * The hosts named by {@code ${secret:HOST}} placeholders, in order of appearance.
     *
     * @throws IllegalArgumentException naming the placeholder, its line and the template when HOST is invalid
     */
    public static List<String> secretHosts(ManifestTemplate template) {
        List<String> hosts = new ArrayList<>();
        for (ManifestTemplate.Placeholder p : template.placeholders()) {
            if ("secret".equals(p.name()) && p.argument() != null) {
                try {
                    HostSpec.requireValidHostname(p.argument());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(p + " at line " + p.line() + " of " + template.source() + ": "
                            + e.getMessage(), e);
                }
                hosts.add(p.argument());
            }
        }
        return hosts;
    }

    /** The template's text with every placeholder filled in from {@code names}. */
    public static String render(ManifestTemplate template, IngressNames names) {
        secretHosts(template);
        return template.render(p -> switch (p.name()) {
            case "namespace" -> p.argument() == null ? names.namespace() : null;
            case "gateway" -> p.argument() == null ? names.gateway() : null;
            case "secret" -> p.argument() == null ? null : names.secret(p.argument());
            default -> null;
        }, KNOWN);
    }

    /**
     * Checks every placeholder without a cluster, so that mistakes surface before anything starts.
     *
     * @throws IllegalArgumentException for an unknown placeholder or an invalid host, with line and source
     */
    public static void validate(ManifestTemplate template) {
        render(template, IngressNames.forOwner("validation"));
    }
}

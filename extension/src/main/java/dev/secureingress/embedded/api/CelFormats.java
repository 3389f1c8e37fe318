package dev.secureingress.embedded.api;

import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The Kubernetes CEL format library: {@code format.dns1123Label()}, {@code format.dns1123Subdomain()},
 * {@code format.dns1035Label()}, {@code format.qualifiedName()}, {@code format.labelValue()}, their {@code ...Prefix()}
 * forms (for generateName), {@code format.uri()}, {@code format.uuid()}, {@code format.byte()}, {@code format.date()},
 * {@code format.datetime()}, and {@code format.named(name)} (an optional); a format's {@code validate(string)} is
 * {@code optional.none()} for a valid string, else the API server's messages:
 * {@code format.dns1123Label().validate('Web')} holds {@code ["a lowercase RFC 1123 label must consist of ..."]}.
 */
final class CelFormats {

    /** A named format and how it checks a string. */
    record NamedFormat(String name, Function<String, List<String>> check) {
    }

    static final CelType FORMAT = OpaqueType.create("kubernetes.NamedFormat");

    private static final String DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS1123_SUBDOMAIN = DNS1123_LABEL + "(\\." + DNS1123_LABEL + ")*";
    private static final String DNS1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private static final String QUALIFIED_NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final String LABEL_VALUE = "(" + QUALIFIED_NAME + ")?";
    private static final String LABEL_MESSAGE = "a lowercase RFC 1123 label must consist of lower case alphanumeric "
            + "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
            + "'123-abc', regex used for validation is '" + DNS1123_LABEL + "')";
    private static final String SUBDOMAIN_MESSAGE = "a lowercase RFC 1123 subdomain must consist of lower case "
            + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
            + "'example.com', regex used for validation is '" + DNS1123_SUBDOMAIN + "')";
    private static final String DNS1035_MESSAGE = "a DNS-1035 label must consist of lower case alphanumeric "
            + "characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. "
            + "'my-name',  or 'abc-123', regex used for validation is '" + DNS1035_LABEL + "')";
    private static final String NAME_PART_MESSAGE = "name part must consist of alphanumeric characters, '-', '_' or "
            + "'.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
            + "'123-abc', regex used for validation is '" + QUALIFIED_NAME + "')";
    private static final String LABEL_VALUE_MESSAGE = "a valid label must be an empty string or consist of "
            + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
            + "'MyValue',  or 'my_value',  or '12345', regex used for validation is '" + LABEL_VALUE + "')";

    private static final Map<String, NamedFormat> FORMATS = formats();

    private CelFormats() {
    }

    static CelLibrary library() {
        CelLibrary.Builder library = CelLibrary.builder();
        FORMATS.forEach((name, format) -> library.global("format." + name, "format." + name, FORMAT, List.of(),
                List.of(), args -> format));
        return library
                .global("format.named", "format-named", OptionalType.create(FORMAT), List.of(SimpleType.STRING),
                        List.of(String.class), args -> Optional.ofNullable(FORMATS.get((String) args[0])))
                .member("validate", "format-validate", OptionalType.create(ListType.create(SimpleType.STRING)),
                        List.of(FORMAT, SimpleType.STRING), List.of(NamedFormat.class, String.class), args -> {
                            List<String> errors = ((NamedFormat) args[0]).check().apply((String) args[1]);
                            return errors.isEmpty() ? Optional.empty() : Optional.of(errors);
                        })
                .build();
    }

    private static Map<String, NamedFormat> formats() {
        Map<String, NamedFormat> formats = new LinkedHashMap<>();
        add(formats, "dns1123Label", "DNS1123Label", text -> pattern(text, DNS1123_LABEL, 63, LABEL_MESSAGE));
        add(formats, "dns1123Subdomain", "DNS1123Subdomain",
                text -> pattern(text, DNS1123_SUBDOMAIN, 253, SUBDOMAIN_MESSAGE));
        add(formats, "dns1035Label", "DNS1035Label", text -> pattern(text, DNS1035_LABEL, 63, DNS1035_MESSAGE));
        add(formats, "qualifiedName", "QualifiedName", CelFormats::qualifiedName);
        add(formats, "dns1123LabelPrefix", "DNS1123LabelPrefix",
                text -> pattern(maskTrailingDash(text), DNS1123_LABEL, 63, LABEL_MESSAGE));
        add(formats, "dns1123SubdomainPrefix", "DNS1123SubdomainPrefix",
                text -> pattern(maskTrailingDash(text), DNS1123_SUBDOMAIN, 253, SUBDOMAIN_MESSAGE));
        add(formats, "dns1035LabelPrefix", "DNS1035LabelPrefix",
                text -> pattern(maskTrailingDash(text), DNS1035_LABEL, 63, DNS1035_MESSAGE));
        add(formats, "labelValue", "LabelValue", text -> pattern(text, LABEL_VALUE, 63, LABEL_VALUE_MESSAGE));
        add(formats, "uri", "URI", text -> AddressFormats.isRequestUri(text) ? List.of()
                : List.of("parse " + SchemaValidator.goQuoted(text) + ": "
                        + (text.isEmpty() ? "empty url" : "invalid URI for request")));
        add(formats, "uuid", "uuid", text -> schemaFormat("uuid", text, "does not match the UUID format"));
        add(formats, "byte", "byte", text -> schemaFormat("byte", text, "invalid base64"));
        add(formats, "date", "date", text -> schemaFormat("date", text, "invalid date"));
        add(formats, "datetime", "datetime", text -> schemaFormat("date-time", text, "invalid datetime"));
        return Map.copyOf(formats);
    }

    private static void add(Map<String, NamedFormat> formats, String function, String name,
                            Function<String, List<String>> check) {
        formats.put(function, new NamedFormat(name, check));
    }

    private static List<String> pattern(String text, String regex, int maxLength, String message) {
        List<String> errors = new ArrayList<>();
        if (text.length() > maxLength) {
            errors.add("must be no more than " + maxLength + " characters");
        }
        if (!Pattern.matches(regex, text)) {
            errors.add(message);
        }
        return errors;
    }

    /** As the API server checks a generateName prefix: a trailing {@code -} stands for the generated suffix. */
    private static String maskTrailingDash(String text) {
        return text.length() > 1 && text.endsWith("-") ? text.substring(0, text.length() - 1) + "a" : text;
    }

    private static List<String> qualifiedName(String text) {
        List<String> errors = new ArrayList<>();
        String[] parts = text.split("/", -1);
        String name;
        if (parts.length == 1) {
            name = parts[0];
        } else if (parts.length == 2) {
            name = parts[1];
            if (parts[0].isEmpty()) {
                errors.add("prefix part must be non-empty");
            } else {
                pattern(parts[0], DNS1123_SUBDOMAIN, 253, SUBDOMAIN_MESSAGE)
                        .forEach(error -> errors.add("prefix part " + error));
            }
        } else {
            return List.of("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start "
                    + "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used "
                    + "for validation is '" + QUALIFIED_NAME + "') with an optional DNS subdomain prefix and '/' (e.g. "
                    + "'example.com/MyName')");
        }
        if (name.isEmpty()) {
            errors.add("name part must be non-empty");
        } else if (name.length() > 63) {
            errors.add("name part must be no more than 63 characters");
        }
        if (!Pattern.matches(QUALIFIED_NAME, name)) {
            errors.add(NAME_PART_MESSAGE);
        }
        return errors;
    }

    private static List<String> schemaFormat(String format, String text, String message) {
        return SchemaFormats.accepts(format, text) ? List.of() : List.of(message);
    }
}

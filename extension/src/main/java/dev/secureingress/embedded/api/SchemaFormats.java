package dev.secureingress.embedded.api;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The string {@code format}s a Kubernetes 1.32 API server checks in custom resources, with its rules for each:
 * {@code bsonobjectid}, {@code uri}, {@code email}, {@code hostname}, {@code ipv4}, {@code ipv6}, {@code cidr},
 * {@code mac} ({@link AddressFormats}), {@code uuid}, {@code uuid3}, {@code uuid4}, {@code uuid5}, {@code isbn},
 * {@code isbn10}, {@code isbn13}, {@code creditcard}, {@code ssn}, {@code hexcolor}, {@code rgbcolor}, {@code byte}
 * (standard base64, not empty), {@code password} (anything), {@code date} ({@code 2006-01-02}), {@code date-time} (a date, then
 * {@code T}, a time with seconds and a zone) and {@code duration} (a Go duration such as {@code 1h30m}, or counts with
 * units such as {@code 3 days}). A format's dashes do not count ({@code date-time} is {@code datetime}). Any other
 * format (and {@code int32}, {@code int64}, {@code double} on numbers) is not checked, as the API server drops it from
 * the schemas it validates with: among them {@code k8s-short-name} and {@code k8s-long-name}, which CRD schemas are
 * checked for from Kubernetes 1.34 on, and {@code quantity}, which 1.32 does not know either.
 */
final class SchemaFormats {

    private static final Pattern UUID = Pattern.compile("(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}");
    private static final Pattern UUID3 = Pattern.compile("(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}");
    private static final Pattern UUID4 =
            Pattern.compile("(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}");
    private static final Pattern UUID5 =
            Pattern.compile("(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}");
    private static final Pattern BASE64 =
            Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})");
    private static final Pattern HEX_COLOR = Pattern.compile("#?(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})");
    private static final String BYTE_VALUE = "\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*";
    private static final Pattern RGB_COLOR =
            Pattern.compile("rgb\\(" + BYTE_VALUE + "," + BYTE_VALUE + "," + BYTE_VALUE + "\\)");
    private static final Pattern SSN = Pattern.compile("\\d{3}[- ]?\\d{2}[- ]?\\d{4}");
    private static final Pattern CREDIT_CARD = Pattern.compile("4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}"
            + "|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\\d{3})\\d{11}");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    /** As the OpenAPI validator's pattern, whose fraction may begin with any character, not only a dot. */
    private static final Pattern TIME_OF_DAY = Pattern.compile("(\\d{2}):(\\d{2}):(\\d{2})(.\\d+)?(z|[+-]\\d{2}:\\d{2})");
    private static final Pattern GO_DURATION =
            Pattern.compile("[-+]?(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:ns|us|µs|μs|ms|s|m|h))+|[-+]?0");
    private static final Pattern UNIT_COUNTS = Pattern.compile("\\s*(?:\\d+\\s*[A-Za-zµ]+\\s*)+");
    private static final Pattern UNIT_COUNT = Pattern.compile("(\\d+)\\s*([A-Za-zµ]+)");
    /** The units of a count's unit word, each with the names that must match in full and the one that may start it. */
    private static final String[][] UNITS = {{"ns", "nano"}, {"us", "µs", "micro"}, {"ms", "milli"}, {"s", "sec"},
        {"m", "min"}, {"h", "hr", "hour"}, {"d", "day"}, {"w", "wk", "week"}};

    private static final Map<String, Predicate<String>> CHECKS = Map.ofEntries(
            Map.entry("bsonobjectid", text -> text.matches("[0-9a-fA-F]{24}")),
            Map.entry("uri", AddressFormats::isRequestUri),
            Map.entry("email", AddressFormats::isEmail),
            Map.entry("hostname", AddressFormats::isHostname),
            Map.entry("ipv4", text -> AddressFormats.isIp(text) && text.contains(".")),
            Map.entry("ipv6", text -> AddressFormats.isIp(text) && text.contains(":")),
            Map.entry("cidr", AddressFormats::isCidr),
            Map.entry("mac", AddressFormats::isMac),
            Map.entry("uuid", UUID.asMatchPredicate()),
            Map.entry("uuid3", UUID3.asMatchPredicate()),
            Map.entry("uuid4", UUID4.asMatchPredicate()),
            Map.entry("uuid5", UUID5.asMatchPredicate()),
            Map.entry("isbn", text -> isIsbn10(text) || isIsbn13(text)),
            Map.entry("isbn10", SchemaFormats::isIsbn10),
            Map.entry("isbn13", SchemaFormats::isIsbn13),
            Map.entry("creditcard", SchemaFormats::isCreditCard),
            Map.entry("ssn", text -> (text.length() == 9 || text.length() == 11) && SSN.matcher(text).matches()),
            Map.entry("hexcolor", HEX_COLOR.asMatchPredicate()),
            Map.entry("rgbcolor", RGB_COLOR.asMatchPredicate()),
            Map.entry("byte", BASE64.asMatchPredicate()),
            Map.entry("password", text -> true),
            Map.entry("date", SchemaFormats::isDate),
            Map.entry("datetime", SchemaFormats::isDateTime),
            Map.entry("duration", SchemaFormats::isDuration));

    private SchemaFormats() {
    }

    /** True unless {@code format} is one the server checks and {@code text} is not of it. */
    static boolean accepts(String format, String text) {
        Predicate<String> check = CHECKS.get(format.replace("-", ""));
        return check == null || check.test(text);
    }

    private static boolean isDate(String text) {
        if (!DATE.matcher(text).matches()) {
            return false;
        }
        try {
            LocalDate.parse(text);
            return true;
        } catch (DateTimeException invalid) {
            return false;
        }
    }

    /** A date, {@code T} (either case), then {@code hh:mm:ss}, an optional fraction and a zone ({@code Z} or offset). */
    private static boolean isDateTime(String text) {
        String[] parts = text.toLowerCase(Locale.ROOT).split("t", -1);
        if (text.length() < 4 || parts.length < 2 || !isDate(parts[0])) {
            return false;
        }
        Matcher time = TIME_OF_DAY.matcher(parts[1]);
        return time.matches() && time.group(1).compareTo("23") <= 0 && time.group(2).compareTo("59") <= 0
                && time.group(3).compareTo("59") <= 0;
    }

    private static boolean isDuration(String text) {
        if (GO_DURATION.matcher(text).matches()) {
            return true;
        }
        if (!UNIT_COUNTS.matcher(text).matches()) {
            return false;
        }
        Matcher count = UNIT_COUNT.matcher(text);
        boolean known = false;
        while (count.find()) {
            String unit = count.group(2).toLowerCase(Locale.ROOT);
            for (String[] names : UNITS) {
                for (int i = 0; i < names.length; i++) {
                    known |= unit.equals(names[i]) || i == names.length - 1 && unit.startsWith(names[i]);
                }
            }
        }
        return known;
    }

    private static boolean isIsbn10(String text) {
        String digits = text.replaceAll("[\\s-]", "");
        if (!digits.matches("[0-9]{9}X|[0-9]{10}")) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (i + 1) * (digits.charAt(i) - '0');
        }
        sum += digits.charAt(9) == 'X' ? 100 : 10 * (digits.charAt(9) - '0');
        return sum % 11 == 0;
    }

    private static boolean isIsbn13(String text) {
        String digits = text.replaceAll("[\\s-]", "");
        if (!digits.matches("[0-9]{13}")) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (i % 2 == 0 ? 1 : 3) * (digits.charAt(i) - '0');
        }
        return (10 - sum % 10) % 10 == digits.charAt(12) - '0';
    }

    /** One of the card number schemes (other characters between the digits do not count), with a Luhn check digit. */
    private static boolean isCreditCard(String text) {
        String digits = text.replaceAll("[^0-9]+", "");
        if (!CREDIT_CARD.matcher(digits).matches()) {
            return false;
        }
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int digit = digits.charAt(i) - '0';
            if (doubled) {
                digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            }
            sum += digit;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }
}

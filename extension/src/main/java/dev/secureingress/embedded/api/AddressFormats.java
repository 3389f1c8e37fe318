package dev.secureingress.embedded.api;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The address {@link SchemaFormats formats} by the rules of the Go functions the API server checks them with: IP
 * addresses as {@code net.ParseIP} reads them (IPv4 in four decimal fields without leading zeros, IPv6 with at most
 * one {@code ::} that stands for at least one field, an IPv4 tail, no zone), CIDRs as {@code net.ParseCIDR}, MAC
 * addresses as {@code net.ParseMAC} (6, 8 or 20 octets, separated by {@code :}, {@code -} or, in groups of four
 * digits, {@code .}), URIs as {@code url.ParseRequestURI} (an absolute URI or an absolute path), email addresses as
 * {@code mail.ParseAddress} ({@code a@b.c}, {@code Name <a@b.c>}, an address literal {@code a@[10.0.0.1]};
 * comments in parentheses are not read) and host names as the pattern of the OpenAPI validator the API server uses
 * (dot-separated labels of letters, digits and symbols, at most 255 bytes).
 */
final class AddressFormats {

    private static final String HOST_CHARACTER = "[a-zA-Z0-9\\p{S}\\p{L}]";
    private static final Pattern HOSTNAME = Pattern.compile(HOST_CHARACTER + "(?:-?" + HOST_CHARACTER + "{0,62})?"
            + "|(?:" + HOST_CHARACTER + "(?:[a-zA-Z0-9\\p{S}\\p{L}-]{0,61}" + HOST_CHARACTER + ")?\\.)+"
            + HOST_CHARACTER + "(?:-?" + HOST_CHARACTER + "){1,62}");
    private static final String ATOM_SYMBOLS = "!#$%&'*+-/=?^_`{|}~";
    /** Characters a URI's host may hold besides letters, digits and escapes. */
    private static final String HOST_SYMBOLS = "-_.~!$&'()*+,;=:[]<>\"";
    private static final String USERINFO_SYMBOLS = "-._:~!$&'()*+,;=%@";

    private AddressFormats() {
    }

    /** IPv4 or IPv6, whichever the first {@code .} or {@code :} says; a zone ({@code %}) makes it none. */
    static boolean isIp(String text) {
        for (int i = 0; i < text.length(); i++) {
            switch (text.charAt(i)) {
                case '.':
                    return isIpv4(text);
                case ':':
                    return isIpv6(text);
                case '%':
                    return false;
                default:
                    break;
            }
        }
        return false;
    }

    static boolean isCidr(String text) {
        int slash = text.indexOf('/');
        if (slash < 0 || !isIp(text.substring(0, slash))) {
            return false;
        }
        String prefix = text.substring(slash + 1);
        if (prefix.isEmpty() || prefix.length() > 9 || !prefix.chars().allMatch(c -> isAsciiDigit((char) c))) {
            return false;
        }
        int bits = text.substring(0, slash).contains(":") ? 128 : 32;
        return Integer.parseInt(prefix) <= bits;
    }

    static boolean isMac(String text) {
        if (text.length() < 14) {
            return false;
        }
        char separator = text.charAt(2);
        int octets;
        if (separator == ':' || separator == '-') {
            if ((text.length() + 1) % 3 != 0) {
                return false;
            }
            octets = (text.length() + 1) / 3;
            for (int i = 0; i < octets; i++) {
                if (!isHex(text, i * 3, 2) || i < octets - 1 && text.charAt(i * 3 + 2) != separator) {
                    return false;
                }
            }
        } else if (text.charAt(4) == '.') {
            if ((text.length() + 1) % 5 != 0) {
                return false;
            }
            octets = 2 * (text.length() + 1) / 5;
            for (int i = 0; i < octets / 2; i++) {
                if (!isHex(text, i * 5, 4) || i < octets / 2 - 1 && text.charAt(i * 5 + 4) != '.') {
                    return false;
                }
            }
        } else {
            return false;
        }
        return octets == 6 || octets == 8 || octets == 20;
    }

    static boolean isHostname(String text) {
        if (!HOSTNAME.matcher(text).matches() || text.getBytes(StandardCharsets.UTF_8).length > 255) {
            return false;
        }
        for (String label : text.split("\\.", -1)) {
            if (label.getBytes(StandardCharsets.UTF_8).length > 63) {
                return false;
            }
        }
        return true;
    }

    /**
     * An absolute URI ({@code scheme:...}, whose {@code //authority} has a valid host and port) or an absolute path,
     * without control characters or malformed {@code %} escapes in the path; {@code *} too.
     */
    static boolean isRequestUri(String text) {
        if (text.isEmpty() || text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return false;
        }
        if (text.equals("*")) {
            return true;
        }
        String rest = text;
        boolean scheme = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ':') {
                if (i == 0) {
                    return false; // missing protocol scheme
                }
                scheme = true;
                rest = text.substring(i + 1);
                break;
            }
            if (!isAsciiLetter(c) && (i == 0 || !(isAsciiDigit(c) || c == '+' || c == '-' || c == '.'))) {
                break;
            }
        }
        int query = rest.indexOf('?');
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        if (!rest.startsWith("/")) {
            return scheme; // an opaque URI such as mailto:a@b.c; without a scheme, not a request URI
        }
        if (scheme && rest.startsWith("//")) {
            int pathStart = rest.indexOf('/', 2);
            String authority = pathStart < 0 ? rest.substring(2) : rest.substring(2, pathStart);
            if (!isAuthority(authority)) {
                return false;
            }
            rest = pathStart < 0 ? "" : rest.substring(pathStart);
        }
        return hasValidEscapes(rest);
    }

    /** {@code local@domain}, {@code display name <local@domain>} or {@code <local@domain>}. */
    static boolean isEmail(String text) {
        String address = text.strip();
        if (isAddrSpec(address)) {
            return true;
        }
        int open = address.indexOf('<');
        if (open < 0 || !address.endsWith(">") || open > 0 && !isPhrase(address.substring(0, open).strip())) {
            return false;
        }
        return isAddrSpec(address.substring(open + 1, address.length() - 1).stripLeading());
    }

    private static boolean isAddrSpec(String text) {
        int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1) {
            return false;
        }
        String local = text.substring(0, at);
        String domain = text.substring(at + 1).stripLeading();
        boolean localValid = local.startsWith("\"") ? isQuotedString(local) && local.length() > 2 : isDotAtom(local);
        boolean domainValid = domain.startsWith("[")
                ? domain.endsWith("]") && isIp(domain.substring(1, domain.length() - 1)) // an address literal
                : isDotAtom(domain);
        return localValid && domainValid;
    }

    /** Words (atoms, dots allowed anywhere, or quoted strings) separated by spaces; at least one. */
    private static boolean isPhrase(String text) {
        if (text.isEmpty()) {
            return false;
        }
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) == '"') {
                int end = closingQuote(text, i);
                if (end < 0) {
                    return false;
                }
                i = end + 1;
            } else if (isAtomCharacter(text.charAt(i)) || text.charAt(i) == '.') {
                i++;
            } else if (text.charAt(i) == ' ' || text.charAt(i) == '\t') {
                i++;
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean isDotAtom(String text) {
        if (text.isEmpty() || text.startsWith(".") || text.endsWith(".") || text.contains("..")) {
            return false;
        }
        return text.chars().allMatch(c -> c == '.' || isAtomCharacter((char) c));
    }

    private static boolean isQuotedString(String text) {
        return closingQuote(text, 0) == text.length() - 1;
    }

    /** The index of the quote that closes the quoted string opening at {@code start}, or -1. */
    private static int closingQuote(String text, int start) {
        for (int i = start + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            } else if (c < 0x20 && c != '\t' || c == 0x7f) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean isAtomCharacter(char c) {
        return c >= 0x80 || isAsciiLetter(c) || isAsciiDigit(c) || ATOM_SYMBOLS.indexOf(c) >= 0;
    }

    private static boolean isAuthority(String authority) {
        int at = authority.lastIndexOf('@');
        String userInfo = at < 0 ? "" : authority.substring(0, at);
        if (!userInfo.chars().allMatch(c -> isAsciiLetter((char) c) || isAsciiDigit((char) c)
                || USERINFO_SYMBOLS.indexOf(c) >= 0)) {
            return false;
        }
        String host = authority.substring(at + 1);
        String port = "";
        if (host.startsWith("[")) {
            int close = host.lastIndexOf(']');
            if (close < 0) {
                return false;
            }
            port = host.substring(close + 1);
            if (!port.isEmpty() && !port.startsWith(":")) {
                return false;
            }
            host = host.substring(0, close + 1);
        } else if (host.lastIndexOf(':') >= 0) {
            port = host.substring(host.lastIndexOf(':'));
            host = host.substring(0, host.lastIndexOf(':'));
        }
        if (!port.isEmpty() && !port.substring(1).chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '%') {
                // in a host, escapes stand for non-ASCII bytes only (or for % itself)
                if (!isHex(host, i + 1, 2) || Character.digit(host.charAt(i + 1), 16) < 8
                        && !host.startsWith("%25", i)) {
                    return false;
                }
                i += 2;
            } else if (c < 0x80 && !isAsciiLetter(c) && !isAsciiDigit(c) && HOST_SYMBOLS.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasValidEscapes(String path) {
        for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 3)) {
            if (!isHex(path, i + 1, 2)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv4(String text) {
        String[] fields = text.split("\\.", -1);
        if (fields.length != 4) {
            return false;
        }
        for (String field : fields) {
            if (field.isEmpty() || field.length() > 3 || field.length() > 1 && field.charAt(0) == '0'
                    || !field.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(field) > 255) {
                return false;
            }
        }
        return true;
    }

    /** IPv6 as Go's {@code netip.ParseAddr} reads it, without a zone. */
    private static boolean isIpv6(String text) {
        String rest = text;
        int ellipsis = -1;
        if (rest.startsWith("::")) {
            ellipsis = 0;
            rest = rest.substring(2);
            if (rest.isEmpty()) {
                return true;
            }
        }
        int bytes = 0;
        while (bytes < 16) {
            int digits = 0;
            while (digits < rest.length() && Character.digit(rest.charAt(digits), 16) >= 0 && rest.charAt(digits) < 0x80) {
                digits++;
                if (digits > 4) {
                    return false;
                }
            }
            if (digits == 0) {
                return false;
            }
            if (digits < rest.length() && rest.charAt(digits) == '.') {
                if (ellipsis < 0 && bytes != 12 || bytes + 4 > 16 || !isIpv4(rest)) {
                    return false; // an IPv4 tail replaces the last two fields
                }
                bytes += 4;
                rest = "";
                break;
            }
            bytes += 2;
            rest = rest.substring(digits);
            if (rest.isEmpty()) {
                break;
            }
            if (rest.charAt(0) != ':' || rest.length() == 1) {
                return false; // another character (a zone's %), or a trailing colon
            }
            rest = rest.substring(1);
            if (rest.charAt(0) == ':') {
                if (ellipsis >= 0) {
                    return false;
                }
                ellipsis = bytes;
                rest = rest.substring(1);
                if (rest.isEmpty()) {
                    break;
                }
            }
        }
        if (!rest.isEmpty()) {
            return false;
        }
        return bytes < 16 ? ellipsis >= 0 : ellipsis < 0;
    }

    private static boolean isHex(String text, int start, int length) {
        if (start + length > text.length()) {
            return false;
        }
        for (int i = start; i < start + length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80 || Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
}

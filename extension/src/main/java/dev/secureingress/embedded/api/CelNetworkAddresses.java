package dev.secureingress.embedded.api;

import com.google.common.net.InetAddresses;
import dev.cel.common.types.CelType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Kubernetes CEL IP and CIDR libraries: {@code ip(string)}, {@code isIP(string)}, {@code ip.isCanonical(string)},
 * and on an IP {@code family()}, {@code isUnspecified()}, {@code isLoopback()}, {@code isLinkLocalMulticast()},
 * {@code isLinkLocalUnicast()}, {@code isGlobalUnicast()}, {@code string(ip)}; {@code cidr(string)},
 * {@code isCIDR(string)}, and on a CIDR {@code containsIP(ip or string)}, {@code containsCIDR(cidr or string)},
 * {@code ip()}, {@code prefixLength()}, {@code masked()}, {@code string(cidr)}. Addresses are parsed as Go's
 * {@code netip} does (never resolved), zones and IPv4-mapped IPv6 addresses refused as on the API server:
 * {@code IP Address "1.2.3" parse error during conversion from string: ParseAddr("1.2.3"): IPv4 address too short}.
 */
final class CelNetworkAddresses {

    /** An IP address. */
    record Ip(InetAddress address) {
        @Override
        public String toString() {
            return InetAddresses.toAddrString(address);
        }
    }

    /** An IP prefix: the address as written and the prefix length. */
    record Cidr(InetAddress address, int bits) {
        @Override
        public String toString() {
            return InetAddresses.toAddrString(address) + "/" + bits;
        }
    }

    static final CelType IP = OpaqueType.create("net.IP");
    static final CelType CIDR = OpaqueType.create("net.CIDR");
    private static final Pattern IPV4_FIELDS = Pattern.compile("[0-9.]+");
    private static final Pattern BITS = Pattern.compile("0|[1-9][0-9]{0,2}");

    private CelNetworkAddresses() {
    }

    static CelLibrary library() {
        List<CelType> string = List.of(SimpleType.STRING);
        List<Class<?>> stringClass = List.of(String.class);
        List<CelType> ip = List.of(IP);
        List<Class<?>> ipClass = List.of(Ip.class);
        List<CelType> cidr = List.of(CIDR);
        List<Class<?>> cidrClass = List.of(Cidr.class);
        return CelLibrary.builder()
                .global("ip", "string_to_ip", IP, string, stringClass, args -> ip((String) args[0]))
                .global("isIP", "is_ip", SimpleType.BOOL, string, stringClass, args -> isIp((String) args[0]))
                .global("ip.isCanonical", "ip_is_canonical", SimpleType.BOOL, string, stringClass,
                        args -> ip((String) args[0]).toString().equals(args[0]))
                .global("string", "ip_to_string", SimpleType.STRING, ip, ipClass, args -> args[0].toString())
                .member("family", "ip_family", SimpleType.INT, ip, ipClass,
                        args -> ((Ip) args[0]).address() instanceof Inet4Address ? 4L : 6L)
                .member("isUnspecified", "ip_is_unspecified", SimpleType.BOOL, ip, ipClass,
                        args -> ((Ip) args[0]).address().isAnyLocalAddress())
                .member("isLoopback", "ip_is_loopback", SimpleType.BOOL, ip, ipClass,
                        args -> ((Ip) args[0]).address().isLoopbackAddress())
                .member("isLinkLocalMulticast", "ip_is_link_local_multicast", SimpleType.BOOL, ip, ipClass,
                        args -> ((Ip) args[0]).address().isMCLinkLocal())
                .member("isLinkLocalUnicast", "ip_is_link_local_unicast", SimpleType.BOOL, ip, ipClass,
                        args -> ((Ip) args[0]).address().isLinkLocalAddress())
                .member("isGlobalUnicast", "ip_is_global_unicast", SimpleType.BOOL, ip, ipClass,
                        args -> isGlobalUnicast(((Ip) args[0]).address()))
                .global("cidr", "string_to_cidr", CIDR, string, stringClass, args -> cidr((String) args[0]))
                .global("isCIDR", "is_cidr", SimpleType.BOOL, string, stringClass, args -> isCidr((String) args[0]))
                .global("string", "cidr_to_string", SimpleType.STRING, cidr, cidrClass, args -> args[0].toString())
                .member("containsIP", "cidr_contains_ip_ip", SimpleType.BOOL, List.of(CIDR, IP),
                        List.of(Cidr.class, Ip.class), args -> contains((Cidr) args[0], (Ip) args[1]))
                .member("containsIP", "cidr_contains_ip_string", SimpleType.BOOL, List.of(CIDR, SimpleType.STRING),
                        List.of(Cidr.class, String.class), args -> contains((Cidr) args[0], ip((String) args[1])))
                .member("containsCIDR", "cidr_contains_cidr", SimpleType.BOOL, List.of(CIDR, CIDR),
                        List.of(Cidr.class, Cidr.class), args -> contains((Cidr) args[0], (Cidr) args[1]))
                .member("containsCIDR", "cidr_contains_cidr_string", SimpleType.BOOL,
                        List.of(CIDR, SimpleType.STRING), List.of(Cidr.class, String.class),
                        args -> contains((Cidr) args[0], cidr((String) args[1])))
                .member("ip", "cidr_ip", IP, cidr, cidrClass, args -> new Ip(((Cidr) args[0]).address()))
                .member("prefixLength", "cidr_prefix_length", SimpleType.INT, cidr, cidrClass,
                        args -> (long) ((Cidr) args[0]).bits())
                .member("masked", "cidr_masked", CIDR, cidr, cidrClass, args -> masked((Cidr) args[0]))
                .build();
    }

    static Ip ip(String text) {
        try {
            return new Ip(address(text));
        } catch (IllegalArgumentException invalid) {
            throw new CelLibrary.FunctionError(invalid.getMessage());
        }
    }

    private static boolean isIp(String text) {
        try {
            address(text);
            return true;
        } catch (IllegalArgumentException invalid) {
            return false;
        }
    }

    static Cidr cidr(String text) {
        try {
            return prefix(text);
        } catch (IllegalArgumentException invalid) {
            throw new CelLibrary.FunctionError("network address parse error during conversion from string: "
                    + invalid.getMessage());
        }
    }

    private static boolean isCidr(String text) {
        try {
            prefix(text);
            return true;
        } catch (IllegalArgumentException invalid) {
            return false;
        }
    }

    /** The address {@code text} names, as the API server's library parses it. */
    private static InetAddress address(String text) {
        String quoted = SchemaValidator.goQuoted(text);
        int zone = text.indexOf('%');
        if (zone > 0 && text.indexOf(':') >= 0 && zone < text.length() - 1
                && InetAddresses.isInetAddress(text.substring(0, zone))) {
            throw new IllegalArgumentException("IP address " + quoted + " with zone value is not allowed");
        }
        InetAddress address;
        try {
            address = InetAddresses.forString(text);
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException("IP Address " + quoted + " parse error during conversion from string: "
                    + parseAddrError(text));
        }
        if (address instanceof Inet4Address && text.indexOf(':') >= 0) {
            throw new IllegalArgumentException("IPv4-mapped IPv6 address " + quoted + " is not allowed");
        }
        return address;
    }

    /** Go's {@code netip.ParseAddr} error for {@code text}, in its most frequent forms. */
    private static String parseAddrError(String text) {
        String reason = "unable to parse IP";
        if (!text.isEmpty() && IPV4_FIELDS.matcher(text).matches()) {
            int fields = text.split("\\.", -1).length;
            reason = fields < 4 ? "IPv4 address too short" : fields > 4 ? "IPv4 address too long" : reason;
        }
        return "ParseAddr(" + SchemaValidator.goQuoted(text) + "): " + reason;
    }

    private static Cidr prefix(String text) {
        String quoted = SchemaValidator.goQuoted(text);
        int slash = text.lastIndexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("netip.ParsePrefix(" + quoted + "): no '/'");
        }
        String addressText = text.substring(0, slash);
        if (addressText.indexOf('%') >= 0) {
            throw new IllegalArgumentException("netip.ParsePrefix(" + quoted + "): IPv6 zones cannot be present in "
                    + "a prefix");
        }
        InetAddress address;
        try {
            address = InetAddresses.forString(addressText);
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException("netip.ParsePrefix(" + quoted + "): " + parseAddrError(addressText));
        }
        if (address instanceof Inet4Address && addressText.indexOf(':') >= 0) {
            throw new IllegalArgumentException("IPv4-mapped IPv6 address " + SchemaValidator.goQuoted(addressText)
                    + " is not allowed");
        }
        String bitsText = text.substring(slash + 1);
        if (!BITS.matcher(bitsText).matches()) {
            throw new IllegalArgumentException("netip.ParsePrefix(" + quoted + "): bad bits after slash: "
                    + SchemaValidator.goQuoted(bitsText));
        }
        int bits = Integer.parseInt(bitsText);
        if (bits > address.getAddress().length * 8) {
            throw new IllegalArgumentException("netip.ParsePrefix(" + quoted + "): prefix length out of range");
        }
        return new Cidr(address, bits);
    }

    private static boolean isGlobalUnicast(InetAddress address) {
        byte[] bytes = address.getAddress();
        boolean broadcast = bytes.length == 4 && bytes[0] == -1 && bytes[1] == -1 && bytes[2] == -1 && bytes[3] == -1;
        return !broadcast && !address.isAnyLocalAddress() && !address.isLoopbackAddress()
                && !address.isMulticastAddress() && !address.isLinkLocalAddress();
    }

    private static boolean contains(Cidr cidr, Ip ip) {
        return sameFamily(cidr.address(), ip.address())
                && masked(cidr).address().equals(mask(ip.address(), cidr.bits()));
    }

    private static boolean contains(Cidr cidr, Cidr other) {
        return sameFamily(cidr.address(), other.address()) && other.bits() >= cidr.bits()
                && masked(cidr).address().equals(mask(other.address(), cidr.bits()));
    }

    private static boolean sameFamily(InetAddress a, InetAddress b) {
        return a.getAddress().length == b.getAddress().length;
    }

    private static Cidr masked(Cidr cidr) {
        return new Cidr(mask(cidr.address(), cidr.bits()), cidr.bits());
    }

    private static InetAddress mask(InetAddress address, int bits) {
        byte[] bytes = address.getAddress();
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            bytes[i] = (byte) (bytes[i] & (0xff00 >> keep));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}

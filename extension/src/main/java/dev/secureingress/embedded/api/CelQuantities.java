package dev.secureingress.embedded.api;

import dev.cel.common.types.CelType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kubernetes CEL quantity library: {@code quantity(string)} (as {@code resource.ParseQuantity} reads
 * {@code 1.5Gi}, {@code 500m}, {@code 1e3}; else {@code quantities must match the regular expression ...}),
 * {@code isQuantity(string)}, and on a quantity {@code sign()}, {@code isInteger()}, {@code asInteger()}
 * ({@code cannot convert value to integer} beyond an int64), {@code asApproximateFloat()}, {@code add} and
 * {@code sub} (a quantity or an int), {@code compareTo}, {@code isLessThan}, {@code isGreaterThan}. Quantities of the
 * same value are equal ({@code quantity('1') == quantity('1000m')}).
 */
final class CelQuantities {

    /** A quantity's exact value (precision below nano rounded up, as the API server does). */
    record Quantity(BigDecimal value) {
        Quantity {
            value = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        }
    }

    static final CelType QUANTITY = OpaqueType.create("kubernetes.Quantity");
    private static final String FORMAT = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";
    private static final Pattern SPLIT = Pattern.compile(FORMAT);
    private static final Pattern NUMBER = Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)");
    private static final Pattern EXPONENT = Pattern.compile("[eE]([-+]?[0-9]+)");
    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("n", BigDecimal.ONE.movePointLeft(9)), Map.entry("u", BigDecimal.ONE.movePointLeft(6)),
            Map.entry("m", BigDecimal.ONE.movePointLeft(3)), Map.entry("k", BigDecimal.ONE.movePointRight(3)),
            Map.entry("M", BigDecimal.ONE.movePointRight(6)), Map.entry("G", BigDecimal.ONE.movePointRight(9)),
            Map.entry("T", BigDecimal.ONE.movePointRight(12)), Map.entry("P", BigDecimal.ONE.movePointRight(15)),
            Map.entry("E", BigDecimal.ONE.movePointRight(18)),
            Map.entry("Ki", BigDecimal.valueOf(2).pow(10)), Map.entry("Mi", BigDecimal.valueOf(2).pow(20)),
            Map.entry("Gi", BigDecimal.valueOf(2).pow(30)), Map.entry("Ti", BigDecimal.valueOf(2).pow(40)),
            Map.entry("Pi", BigDecimal.valueOf(2).pow(50)), Map.entry("Ei", BigDecimal.valueOf(2).pow(60)));
    private static final BigDecimal MIN_LONG = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal MAX_LONG = BigDecimal.valueOf(Long.MAX_VALUE);

    private CelQuantities() {
    }

    static CelLibrary library() {
        List<CelType> one = List.of(QUANTITY);
        List<Class<?>> oneClass = List.of(Quantity.class);
        List<CelType> two = List.of(QUANTITY, QUANTITY);
        List<Class<?>> twoClasses = List.of(Quantity.class, Quantity.class);
        List<CelType> withInt = List.of(QUANTITY, SimpleType.INT);
        List<Class<?>> withIntClasses = List.of(Quantity.class, Long.class);
        return CelLibrary.builder()
                .global("quantity", "string_to_quantity", QUANTITY, List.of(SimpleType.STRING), List.of(String.class),
                        args -> quantity((String) args[0]))
                .global("isQuantity", "is_quantity_string", SimpleType.BOOL, List.of(SimpleType.STRING),
                        List.of(String.class), args -> isQuantity((String) args[0]))
                .member("sign", "quantity_get_sign", SimpleType.INT, one, oneClass,
                        args -> (long) value(args[0]).signum())
                .member("isInteger", "quantity_is_integer", SimpleType.BOOL, one, oneClass,
                        args -> isInteger(value(args[0])))
                .member("asInteger", "quantity_get_int", SimpleType.INT, one, oneClass, args -> {
                    if (!isInteger(value(args[0]))) {
                        throw new CelLibrary.FunctionError("cannot convert value to integer");
                    }
                    return value(args[0]).longValueExact();
                })
                .member("asApproximateFloat", "quantity_get_float", SimpleType.DOUBLE, one, oneClass,
                        args -> value(args[0]).doubleValue())
                .member("add", "quantity_add", QUANTITY, two, twoClasses,
                        args -> new Quantity(value(args[0]).add(value(args[1]))))
                .member("add", "quantity_add_int", QUANTITY, withInt, withIntClasses,
                        args -> new Quantity(value(args[0]).add(BigDecimal.valueOf((Long) args[1]))))
                .member("sub", "quantity_sub", QUANTITY, two, twoClasses,
                        args -> new Quantity(value(args[0]).subtract(value(args[1]))))
                .member("sub", "quantity_sub_int", QUANTITY, withInt, withIntClasses,
                        args -> new Quantity(value(args[0]).subtract(BigDecimal.valueOf((Long) args[1]))))
                .member("compareTo", "quantity_compare_to", SimpleType.INT, two, twoClasses,
                        args -> (long) value(args[0]).compareTo(value(args[1])))
                .member("isLessThan", "quantity_is_less_than", SimpleType.BOOL, two, twoClasses,
                        args -> value(args[0]).compareTo(value(args[1])) < 0)
                .member("isGreaterThan", "quantity_is_greater_than", SimpleType.BOOL, two, twoClasses,
                        args -> value(args[0]).compareTo(value(args[1])) > 0)
                .build();
    }

    private static BigDecimal value(Object quantity) {
        return ((Quantity) quantity).value();
    }

    private static boolean isInteger(BigDecimal value) {
        return value.stripTrailingZeros().scale() <= 0 && value.compareTo(MIN_LONG) >= 0
                && value.compareTo(MAX_LONG) <= 0;
    }

    private static boolean isQuantity(String text) {
        try {
            parse(text);
            return true;
        } catch (IllegalArgumentException invalid) {
            return false;
        }
    }

    static Quantity quantity(String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException invalid) {
            throw new CelLibrary.FunctionError(invalid.getMessage());
        }
    }

    private static Quantity parse(String text) {
        Matcher parts = SPLIT.matcher(text);
        if (text.isEmpty() || !parts.matches()) {
            throw new IllegalArgumentException("quantities must match the regular expression '" + FORMAT + "'");
        }
        if (!NUMBER.matcher(parts.group(1)).matches()) {
            throw new IllegalArgumentException("unable to parse numeric part of quantity");
        }
        BigDecimal number = new BigDecimal(parts.group(1).startsWith("+") ? parts.group(1).substring(1)
                : parts.group(1).endsWith(".") ? parts.group(1) + "0" : parts.group(1));
        String suffix = parts.group(2);
        BigDecimal multiplier = SUFFIXES.get(suffix);
        if (multiplier == null) {
            Matcher exponent = EXPONENT.matcher(suffix);
            if (!exponent.matches()) {
                throw new IllegalArgumentException("unable to parse quantity's suffix");
            }
            multiplier = BigDecimal.ONE.scaleByPowerOfTen(Integer.parseInt(exponent.group(1)));
        }
        BigDecimal value = number.multiply(multiplier);
        if (value.scale() > 9) {
            value = value.setScale(9, RoundingMode.CEILING);
        }
        return new Quantity(value);
    }
}

package dev.secureingress.embedded.api;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;

import java.util.List;
import java.util.Objects;

/**
 * The Kubernetes CEL list library: {@code isSorted()}, {@code sum()}, {@code min()}, {@code max()},
 * {@code indexOf(x)} and {@code lastIndexOf(x)} on lists of comparable (or, for {@code sum}, summable) values:
 * {@code [1, 2].sum() == 3}, {@code ['b', 'a'].isSorted() == false}, {@code [].min()} fails with {@code min called on
 * empty list}.
 */
final class CelListFunctions {

    /** Lists and their items are dynamic, as {@code self} is: cel-java would bind a type parameter too early. */
    private static final CelType T = SimpleType.DYN;
    private static final CelType LIST = ListType.create(T);

    private CelListFunctions() {
    }

    static CelLibrary library() {
        return CelLibrary.builder()
                .member("isSorted", "list_is_sorted", SimpleType.BOOL, List.of(LIST), List.of(List.class),
                        args -> isSorted((List<?>) args[0]))
                .member("sum", "list_sum", T, List.of(LIST), List.of(List.class), args -> sum((List<?>) args[0]))
                .member("min", "list_min", T, List.of(LIST), List.of(List.class),
                        args -> extreme((List<?>) args[0], "min", 1))
                .member("max", "list_max", T, List.of(LIST), List.of(List.class),
                        args -> extreme((List<?>) args[0], "max", -1))
                .member("indexOf", "list_index_of", SimpleType.INT, List.of(LIST, T), List.of(List.class, Object.class),
                        args -> indexOf((List<?>) args[0], args[1], false))
                .member("lastIndexOf", "list_last_index_of", SimpleType.INT, List.of(LIST, T),
                        List.of(List.class, Object.class), args -> indexOf((List<?>) args[0], args[1], true))
                .build();
    }

    private static boolean isSorted(List<?> list) {
        for (int i = 1; i < list.size(); i++) {
            if (compare(list.get(i - 1), list.get(i)) > 0) {
                return false;
            }
        }
        return true;
    }

    private static Object sum(List<?> list) {
        Object total = null;
        for (Object item : list) {
            total = total == null ? summable(item) : add(total, item);
        }
        return total == null ? 0L : total;
    }

    private static Object summable(Object item) {
        if (item instanceof Long || item instanceof Double || item instanceof UnsignedLong
                || item instanceof com.google.protobuf.Duration || item instanceof java.time.Duration) {
            return item;
        }
        throw noSuchOverload("sum", item);
    }

    private static Object add(Object total, Object item) {
        try {
            if (total instanceof Long a && item instanceof Long b) {
                return Math.addExact(a, b);
            }
            if (total instanceof Double a && item instanceof Double b) {
                return a + b;
            }
            if (total instanceof UnsignedLong a && item instanceof UnsignedLong b) {
                java.math.BigInteger sum = a.bigIntegerValue().add(b.bigIntegerValue());
                if (sum.bitLength() > 64) {
                    throw new ArithmeticException("unsigned overflow");
                }
                return UnsignedLong.valueOf(sum);
            }
            if (total instanceof java.time.Duration a && item instanceof java.time.Duration b) {
                return a.plus(b);
            }
            if (total instanceof com.google.protobuf.Duration a && item instanceof com.google.protobuf.Duration b) {
                java.time.Duration sum = java.time.Duration.ofSeconds(a.getSeconds(), a.getNanos())
                        .plus(java.time.Duration.ofSeconds(b.getSeconds(), b.getNanos()));
                return com.google.protobuf.Duration.newBuilder().setSeconds(sum.getSeconds())
                        .setNanos(sum.getNano()).build();
            }
        } catch (ArithmeticException overflow) {
            throw new CelLibrary.FunctionError("integer overflow");
        }
        throw noSuchOverload("sum", item);
    }

    /** The first of the smallest ({@code prefer} 1) or largest ({@code prefer} -1) items. */
    private static Object extreme(List<?> list, String function, int prefer) {
        if (list.isEmpty()) {
            throw new CelLibrary.FunctionError(function + " called on empty list");
        }
        Object result = list.get(0);
        for (Object item : list.subList(1, list.size())) {
            if (Integer.signum(compare(result, item)) == prefer) {
                result = item;
            }
        }
        return result;
    }

    private static long indexOf(List<?> list, Object item, boolean last) {
        for (int i = 0; i < list.size(); i++) {
            int index = last ? list.size() - 1 - i : i;
            if (equal(list.get(index), item)) {
                return index;
            }
        }
        return -1;
    }

    private static boolean equal(Object a, Object b) {
        if (a instanceof Number && b instanceof Number || a instanceof UnsignedLong || b instanceof UnsignedLong) {
            try {
                return compare(a, b) == 0;
            } catch (CelLibrary.FunctionError differentTypes) {
                return false;
            }
        }
        return Objects.equals(a, b);
    }

    /** CEL's ordering of two values of a comparable type: numbers (across types), bools, strings, bytes, ... */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) {
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) {
                return Double.compare(asDouble(a), asDouble(b));
            }
            return asBig(a).compareTo(asBig(b));
        }
        if (a instanceof com.google.protobuf.Duration x && b instanceof com.google.protobuf.Duration y) {
            return x.getSeconds() != y.getSeconds() ? Long.compare(x.getSeconds(), y.getSeconds())
                    : Integer.compare(x.getNanos(), y.getNanos());
        }
        if (a instanceof com.google.protobuf.Timestamp x && b instanceof com.google.protobuf.Timestamp y) {
            return x.getSeconds() != y.getSeconds() ? Long.compare(x.getSeconds(), y.getSeconds())
                    : Integer.compare(x.getNanos(), y.getNanos());
        }
        if (a instanceof String x && b instanceof String y) {
            return compareCodePoints(x, y);
        }
        if (a != null && b != null && a.getClass() == b.getClass() && a instanceof Comparable comparable) {
            return comparable.compareTo(b);
        }
        throw noSuchOverload("compare", b);
    }

    private static int compareCodePoints(String x, String y) {
        int i = 0;
        int j = 0;
        while (i < x.length() && j < y.length()) {
            int cx = x.codePointAt(i);
            int cy = y.codePointAt(j);
            if (cx != cy) {
                return Integer.compare(cx, cy);
            }
            i += Character.charCount(cx);
            j += Character.charCount(cy);
        }
        return Boolean.compare(i < x.length(), j < y.length());
    }

    private static boolean isNumber(Object value) {
        return value instanceof Long || value instanceof Double || value instanceof UnsignedLong;
    }

    private static double asDouble(Object number) {
        return number instanceof UnsignedLong unsigned ? unsigned.doubleValue() : ((Number) number).doubleValue();
    }

    private static java.math.BigInteger asBig(Object number) {
        return number instanceof UnsignedLong unsigned ? unsigned.bigIntegerValue()
                : java.math.BigInteger.valueOf((Long) number);
    }

    private static CelLibrary.FunctionError noSuchOverload(String function, Object argument) {
        return new CelLibrary.FunctionError("no such overload: " + function + "("
                + (argument == null ? "null" : argument.getClass().getSimpleName()) + ")");
    }
}

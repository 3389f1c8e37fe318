package dev.secureingress.embedded.api;


import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A set of an object's fields, as a {@code metadata.managedFields} entry records what its manager owns: each
 * field is a path of {@code FieldsV1} keys ({@code f:spec}, {@code f:replicas}; {@code k:{"name":"app"}} for the
 * element of an associative list, {@code v:"x"} for a member of a set list). A path names a leaf (a scalar, an
 * empty map, an atomic list) or an element of an associative list or set.
 *
 * <p>Which lists are associative, and on which key, is what {@link StrategicMergePatch} knows about merge keys. The
 * fields that name an object rather than describe it ({@code apiVersion}, {@code kind}, {@code metadata.name},
 * {@code namespace}, {@code uid}, {@code resourceVersion}, {@code generation}, {@code creationTimestamp},
 * {@code managedFields}) are never part of a set, and {@code status} only of the sets of writes to the {@code status}
 * subresource ({@link #statusValuesOf}).
 */
final class FieldSet {

    /** What an element of an associative list or set stands for in {@link #valuesOf}: the element is there. */
    static final Object ELEMENT = new Object() {
        @Override
        public String toString() {
            return "element";
        }
    };

    private static final Set<String> IDENTITY = Set.of("name", "namespace", "uid", "resourceVersion", "generation",
            "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink");
    private static final String SELF = ".";

    private final Set<List<String>> paths;

    private FieldSet(Set<List<String>> paths) {
        this.paths = paths;
    }

    static FieldSet empty() {
        return new FieldSet(Set.of());
    }

    /** The fields {@code object} sets. */
    static FieldSet of(Map<String, Object> object) {
        return new FieldSet(valuesOf(object).keySet());
    }

    /** The fields {@code object} sets and their values ({@link #ELEMENT} for an element of a list). */
    static Map<List<String>, Object> valuesOf(Map<String, Object> object) {
        Map<List<String>, Object> values = new LinkedHashMap<>();
        object.forEach((field, value) -> {
            if (field.equals("metadata") && value instanceof Map<?, ?> metadata) {
                metadata.forEach((key, metadataValue) -> {
                    if (!IDENTITY.contains(String.valueOf(key))) {
                        walkField(List.of("f:metadata"), String.valueOf(key), metadataValue, values);
                    }
                });
            } else if (!field.equals("apiVersion") && !field.equals("kind") && !field.equals("status")) {
                walkField(List.of(), field, value, values);
            }
        });
        return values;
    }

    private static void walkField(List<String> parent, String field, Object value, Map<List<String>, Object> values) {
        List<String> path = append(parent, "f:" + field);
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            map.forEach((key, child) -> walkField(path, String.valueOf(key), child, values));
            return;
        }
        if (value instanceof List<?> list && !list.isEmpty()) {
            String key = StrategicMergePatch.associativeKey(field, list);
            if (key != null && list.stream().allMatch(e -> e instanceof Map<?, ?> m && m.get(key) != null)) {
                for (Object element : list) {
                    Map<?, ?> map = (Map<?, ?>) element;
                    List<String> elementPath = append(path, "k:" + ApiJson.write(Map.of(key, map.get(key))));
                    values.put(elementPath, ELEMENT);
                    map.forEach((child, childValue) -> walkField(elementPath, String.valueOf(child), childValue, values));
                }
                return;
            }
            if (StrategicMergePatch.isSetList(field) && list.stream().noneMatch(e -> e instanceof Map || e instanceof List)) {
                list.forEach(member -> values.put(append(path, "v:" + ApiJson.write(member)), ELEMENT));
                return;
            }
        }
        values.put(path, value);
    }

    /** The fields of {@code object}'s {@code status} and their values, as {@link #valuesOf} has them. */
    static Map<List<String>, Object> statusValuesOf(Map<String, Object> object) {
        Map<List<String>, Object> values = new LinkedHashMap<>();
        if (object.get("status") != null) {
            walkField(List.of(), "status", object.get("status"), values);
        }
        return values;
    }

    /** Reads a {@code fieldsV1} tree ({@code {"f:spec":{"f:replicas":{}}}}); what it cannot read it leaves out. */
    static FieldSet fromFieldsV1(Object fieldsV1) {
        Set<List<String>> paths = new LinkedHashSet<>();
        if (fieldsV1 instanceof Map<?, ?> tree) {
            read(List.of(), tree, paths);
        }
        return new FieldSet(paths);
    }

    private static void read(List<String> path, Map<?, ?> node, Set<List<String>> paths) {
        node.forEach((key, child) -> {
            if (SELF.equals(key)) {
                paths.add(path);
            } else if (child instanceof Map<?, ?> childNode) {
                List<String> childPath = append(path, String.valueOf(key));
                if (childNode.isEmpty()) {
                    paths.add(childPath);
                } else {
                    read(childPath, childNode, paths);
                }
            }
        });
    }

    /** This set as a {@code fieldsV1} tree, keys sorted as a real API server writes them. */
    Map<String, Object> toFieldsV1() {
        Map<String, Object> tree = new TreeMap<>();
        for (List<String> path : paths) {
            node(tree, path);
        }
        for (List<String> path : paths) {
            Map<String, Object> node = node(tree, path);
            if (!node.isEmpty() || path.get(path.size() - 1).startsWith("k:")) {
                node.put(SELF, new TreeMap<>());
            }
        }
        return tree;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> node(Map<String, Object> tree, List<String> path) {
        Map<String, Object> node = tree;
        for (String key : path) {
            node = (Map<String, Object>) node.computeIfAbsent(key, absent -> new TreeMap<>());
        }
        return node;
    }

    Set<List<String>> paths() {
        return paths;
    }

    boolean isEmpty() {
        return paths.isEmpty();
    }

    boolean contains(List<String> path) {
        return paths.contains(path);
    }

    /** True when this set holds {@code path} or a field inside it. */
    boolean holdsAnythingAt(List<String> path) {
        return paths.stream().anyMatch(held -> held.size() >= path.size() && held.subList(0, path.size()).equals(path));
    }

    FieldSet plus(Collection<List<String>> more) {
        Set<List<String>> union = new LinkedHashSet<>(paths);
        union.addAll(more);
        return new FieldSet(union);
    }

    FieldSet minus(Collection<List<String>> less) {
        Set<List<String>> difference = new LinkedHashSet<>(paths);
        difference.removeAll(less);
        return new FieldSet(difference);
    }

    /** A path as a real API server prints it in conflicts: {@code .spec.template.spec.containers[name="app"].image}. */
    static String describe(List<String> path) {
        StringBuilder text = new StringBuilder();
        for (String key : path) {
            String rest = key.substring(2);
            if (key.startsWith("f:")) {
                text.append('.').append(rest);
            } else if (key.startsWith("k:")) {
                text.append(ApiJson.parseObject(rest).entrySet().stream()
                        .map(entry -> entry.getKey() + "=" + ApiJson.write(entry.getValue()))
                        .collect(Collectors.joining(",", "[", "]")));
            } else if (key.startsWith("v:")) {
                text.append("[=").append(rest).append(']');
            } else {
                text.append('[').append(rest).append(']');
            }
        }
        return text.toString();
    }

    /** Removes the field {@code path} names from {@code object}, if it is there. */
    static void remove(Map<String, Object> object, List<String> path) {
        Object container = object;
        for (String key : path.subList(0, path.size() - 1)) {
            container = child(container, key);
            if (container == null) {
                return;
            }
        }
        String last = path.get(path.size() - 1);
        if (container instanceof Map<?, ?> map && last.startsWith("f:")) {
            map.remove(last.substring(2));
        } else if (container instanceof List<?> list) {
            list.removeIf(element -> matches(element, last));
        }
    }

    private static Object child(Object container, String key) {
        if (container instanceof Map<?, ?> map && key.startsWith("f:")) {
            return map.get(key.substring(2));
        }
        if (container instanceof List<?> list) {
            return list.stream().filter(element -> matches(element, key)).findFirst().orElse(null);
        }
        return null;
    }

    private static boolean matches(Object element, String key) {
        if (key.startsWith("k:") && element instanceof Map<?, ?> map) {
            return ApiJson.parseObject(key.substring(2)).entrySet().stream()
                    .allMatch(entry -> sameValue(entry.getValue(), map.get(entry.getKey())));
        }
        return key.startsWith("v:") && sameValue(ApiJson.read(key.substring(2), Object.class), element);
    }

    /** Equality of field values as Kubernetes compares them: {@code 1} and {@code 1.0} are the same number. */
    static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!sameValue(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            return x.keySet().equals(y.keySet()) && x.keySet().stream().allMatch(k -> sameValue(x.get(k), y.get(k)));
        }
        return Objects.equals(a, b);
    }

    private static List<String> append(List<String> path, String key) {
        List<String> longer = new ArrayList<>(path.size() + 1);
        longer.addAll(path);
        longer.add(key);
        return List.copyOf(longer);
    }
}

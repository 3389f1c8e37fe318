package dev.secureingress.embedded.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Applies a Kubernetes strategic merge patch ({@code application/strategic-merge-patch+json}) to a built-in
 * object, the patch type {@code kubectl apply} sends when it reconfigures Deployments, Services, Secrets
 * and the like.
 *
 * <p>Maps merge key by key ({@code null} deletes a key). Lists that Kubernetes declares with the merge
 * strategy merge element by element on their merge key (containers and volumes by {@code name}, container
 * ports by {@code containerPort}, service ports by {@code port}, ...); all other lists are replaced.
 * The directives {@code $patch} (replace, delete), {@code $retainKeys}, {@code $setElementOrder/<list>} and
 * {@code $deleteFromPrimitiveList/<list>} are honoured.
 *
 * <p>The same knowledge of which lists are associative serves server-side apply ({@link ServerSideApply}), which
 * merges and tracks such lists per element; {@code listeners} (Gateway API) is one, declared there as a list of
 * type map keyed by name.
 */
final class StrategicMergePatch {

    private static final String PATCH = "$patch";
    private static final String RETAIN_KEYS = "$retainKeys";
    private static final String SET_ELEMENT_ORDER = "$setElementOrder/";
    private static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/";

    /** List fields with patch strategy "merge" in the built-in types, and their merge keys. */
    private static final Map<String, String> MERGE_KEYS = Map.ofEntries(
            Map.entry("containers", "name"),
            Map.entry("initContainers", "name"),
            Map.entry("ephemeralContainers", "name"),
            Map.entry("volumes", "name"),
            Map.entry("imagePullSecrets", "name"),
            Map.entry("env", "name"),
            Map.entry("volumeMounts", "mountPath"),
            Map.entry("volumeDevices", "devicePath"),
            Map.entry("hostAliases", "ip"),
            Map.entry("ownerReferences", "uid"),
            Map.entry("conditions", "type"),
            Map.entry("listeners", "name"), // Gateway API: Gateway spec.listeners and status.listeners
            Map.entry("topologySpreadConstraints", "topologyKey"),
            Map.entry("ports", "port"));
    /** List fields of strings with patch strategy "merge" (set semantics). */
    private static final Set<String> MERGED_PRIMITIVE_LISTS = Set.of("finalizers");

    private StrategicMergePatch() {
    }

    /**
     * Returns {@code original} with {@code patch} applied; neither argument is modified.
     *
     * @throws IllegalArgumentException when the patch is malformed (for example an unknown {@code $patch})
     */
    static Map<String, Object> apply(Map<String, Object> original, Map<String, Object> patch) {
        Map<String, Object> merged = mergeMap(original, patch);
        return merged == null ? new LinkedHashMap<>() : merged;
    }

    /** Returns the merged map, or {@code null} when the patch deletes it. */
    private static Map<String, Object> mergeMap(Map<String, Object> original, Map<String, Object> patch) {
        Object directive = patch.get(PATCH);
        if ("replace".equals(directive)) {
            return withoutDirectives(patch);
        }
        if ("delete".equals(directive)) {
            return null;
        }
        if (directive != null) {
            throw new IllegalArgumentException("unknown patch type: " + directive + " (expected replace or delete)");
        }
        Map<String, Object> result = new LinkedHashMap<>(original == null ? Map.of() : original);
        for (Map.Entry<String, Object> entry : patch.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            if (key.startsWith("$")) {
                continue;
            }
            if (value == null) {
                result.remove(key);
            } else if (value instanceof Map<?, ?> patchMap) {
                Map<String, Object> merged = mergeMap(asMap(result.get(key)), cast(patchMap));
                if (merged == null) {
                    result.remove(key);
                } else {
                    result.put(key, merged);
                }
            } else if (value instanceof List<?> patchList) {
                result.put(key, mergeList(key, asList(result.get(key)), patchList));
            } else {
                result.put(key, value);
            }
        }
        for (Map.Entry<String, Object> entry : patch.entrySet()) {
            if (entry.getKey().startsWith(DELETE_FROM_PRIMITIVE_LIST) && entry.getValue() instanceof List<?> doomed) {
                String field = entry.getKey().substring(DELETE_FROM_PRIMITIVE_LIST.length());
                List<Object> kept = new ArrayList<>(asList(result.get(field)));
                kept.removeAll(doomed);
                result.put(field, kept);
            }
        }
        for (Map.Entry<String, Object> entry : patch.entrySet()) {
            if (entry.getKey().startsWith(SET_ELEMENT_ORDER) && entry.getValue() instanceof List<?> order) {
                String field = entry.getKey().substring(SET_ELEMENT_ORDER.length());
                if (result.get(field) instanceof List<?> list) {
                    result.put(field, reorder(field, list, order));
                }
            }
        }
        if (patch.get(RETAIN_KEYS) instanceof Collection<?> retained) {
            result.keySet().removeIf(key -> !retained.contains(key));
        }
        return result;
    }

    private static List<Object> mergeList(String field, List<Object> original, List<?> patch) {
        for (Object element : patch) {
            if (element instanceof Map<?, ?> map && "replace".equals(map.get(PATCH)) && map.size() == 1) {
                return patch.stream().filter(e -> e != element).map(StrategicMergePatch::withoutDirectivesAny).toList();
            }
        }
        String mergeKey = mergeKey(field, original, patch);
        if (mergeKey != null) {
            List<Object> result = new ArrayList<>(original);
            for (Object element : patch) {
                Map<String, Object> patchElement = cast((Map<?, ?>) element);
                int index = indexOf(result, mergeKey, patchElement.get(mergeKey));
                if ("delete".equals(patchElement.get(PATCH))) {
                    if (index >= 0) {
                        result.remove(index);
                    }
                } else if (index >= 0) {
                    result.set(index, mergeMap(asMap(result.get(index)), patchElement));
                } else {
                    result.add(withoutDirectives(patchElement));
                }
            }
            return result;
        }
        if (MERGED_PRIMITIVE_LISTS.contains(field)) {
            List<Object> result = new ArrayList<>(original);
            patch.stream().filter(e -> !result.contains(e)).forEach(result::add);
            return result;
        }
        return patch.stream().map(StrategicMergePatch::withoutDirectivesAny).toList();
    }

    /**
     * The key that identifies the elements of the list field {@code field} holding {@code elements}, or {@code null}
     * when the list is atomic (replaced as a whole) or holds scalars.
     */
    static String associativeKey(String field, List<?> elements) {
        return mergeKey(field, List.of(), elements);
    }

    /** True for a list field of scalars that Kubernetes treats as a set ({@code finalizers}). */
    static boolean isSetList(String field) {
        return MERGED_PRIMITIVE_LISTS.contains(field);
    }

    /** The merge key of a merged list of maps, or {@code null} when the list is replaced as a whole. */
    private static String mergeKey(String field, List<Object> original, List<?> patch) {
        String key = MERGE_KEYS.get(field);
        if (key == null || !patch.stream().allMatch(e -> e instanceof Map)) {
            return null;
        }
        if (field.equals("ports")) {
            // Container ports merge on containerPort, Service ports on port.
            boolean containerPorts = patch.stream().anyMatch(e -> ((Map<?, ?>) e).containsKey("containerPort"))
                    || original.stream().anyMatch(e -> e instanceof Map<?, ?> m && m.containsKey("containerPort"));
            return containerPorts ? "containerPort" : "port";
        }
        return key;
    }

    private static List<Object> reorder(String field, List<?> list, List<?> order) {
        String mergeKey = mergeKey(field, cast(list), order);
        List<Object> remaining = new ArrayList<>(list);
        List<Object> ordered = new ArrayList<>();
        for (Object wanted : order) {
            Object identity = mergeKey == null ? wanted : ((Map<?, ?>) wanted).get(mergeKey);
            for (Object element : remaining) {
                Object elementIdentity = mergeKey == null ? element
                        : element instanceof Map<?, ?> map ? map.get(mergeKey) : null;
                if (Objects.equals(identity, elementIdentity)) {
                    ordered.add(element);
                    remaining.remove(element);
                    break;
                }
            }
        }
        ordered.addAll(remaining);
        return ordered;
    }

    private static int indexOf(List<Object> list, String mergeKey, Object value) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> map && Objects.equals(map.get(mergeKey), value)) {
                return i;
            }
        }
        return -1;
    }

    private static Map<String, Object> withoutDirectives(Map<?, ?> map) {
        Map<String, Object> clean = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            if (!String.valueOf(key).startsWith("$")) {
                clean.put(String.valueOf(key), withoutDirectivesAny(value));
            }
        });
        return clean;
    }

    private static Object withoutDirectivesAny(Object value) {
        if (value instanceof Map<?, ?> map) {
            return withoutDirectives(map);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(StrategicMergePatch::withoutDirectivesAny).toList();
        }
        return value;
    }

    private static Map<String, Object> asMap(Object value) {
        return value instanceof Map<?, ?> map ? cast(map) : null;
    }

    private static List<Object> asList(Object value) {
        return value instanceof List<?> list ? cast(list) : List.of();
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }
}

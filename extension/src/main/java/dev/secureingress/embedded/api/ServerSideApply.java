package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.mockwebserver.http.MockResponse;

import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Server-side apply ({@code PATCH} with {@code application/apply-patch+yaml}, what {@code kubectl apply --server-side}
 * and fabric8's {@code serverSideApply()} send): the applied configuration is merged into the live object and its
 * fields become the applier's ({@link ManagedFields}, operation {@code Apply}).
 *
 * <ul>
 *   <li>Maps merge recursively; lists that Kubernetes treats as associative (containers, env, volumes, ports,
 *       conditions, Gateway listeners, ...: the merge keys {@link StrategicMergePatch} knows) merge per element;
 *       {@code finalizers} is a set; other lists are replaced.</li>
 *   <li>Fields the same manager applied before and leaves out now are removed, unless another manager holds them.</li>
 *   <li>A field the configuration sets to another value than the live one, held by another manager, is a conflict
 *       (409, {@code Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1:
 *       .spec.replicas}); with {@code force=true} the applier takes it over.</li>
 * </ul>
 *
 * <p>Simplified against a real API server: associative lists have one key field (a real server keys container
 * ports and Service ports on port and protocol); lists of custom resources are associative only where a built-in
 * field of the same name is (plus {@code listeners}), not by the CRD's {@code x-kubernetes-list-type}; an element
 * another manager still holds a field of is kept whole when the applier drops it; maps emptied by removals stay as
 * empty maps. {@code status} in a configuration applied to the object is ignored; applied to the {@code status}
 * subresource only {@code status} counts, recorded in an entry with {@code subresource: status}.
 */
final class ServerSideApply {

    /** The applied configuration conflicts with fields other managers hold. */
    static final class ConflictException extends Exception {

        private final transient List<Conflict> conflicts;

        ConflictException(List<Conflict> conflicts) {
            super(message(conflicts));
            this.conflicts = List.copyOf(conflicts);
        }

        /** The answer a real API server gives: 409 Conflict with one cause per field. */
        MockResponse response() {
            List<StatusCause> causes = conflicts.stream()
                    .map(conflict -> new StatusCause(FieldSet.describe(conflict.path()),
                            "conflict with " + conflict.manager().describe(), "FieldManagerConflict"))
                    .toList();
            return ApiErrors.status(HttpURLConnection.HTTP_CONFLICT, "Conflict", getMessage(), causes);
        }

        private static String message(List<Conflict> conflicts) {
            if (conflicts.size() == 1) {
                Conflict only = conflicts.get(0);
                return "Apply failed with 1 conflict: conflict with " + only.manager().describe() + ": "
                        + FieldSet.describe(only.path());
            }
            Map<String, List<String>> byManager = new TreeMap<>();
            conflicts.forEach(conflict -> byManager.computeIfAbsent(conflict.manager().describe(), m -> new ArrayList<>())
                    .add(FieldSet.describe(conflict.path())));
            return "Apply failed with " + conflicts.size() + " conflicts: " + byManager.entrySet().stream()
                    .map(entry -> "conflicts with " + entry.getKey() + ":\n" + entry.getValue().stream()
                            .map(path -> "- " + path).collect(Collectors.joining("\n")))
                    .collect(Collectors.joining("\n"));
        }
    }

    /** A field ({@code path}) the applied configuration would change that {@code manager} holds. */
    record Conflict(ManagedFields.Entry manager, List<String> path) {
    }

    private ServerSideApply() {
    }

    /** The object an apply creates where there is none: the configuration, whose fields are all the applier's. */
    static Map<String, Object> created(Map<String, Object> applied, String manager, String apiVersion, Instant now) {
        Map<String, Object> object = withoutManagedFields(withoutStatus(applied));
        ManagedFields.write(object, List.of(new ManagedFields.Entry(manager, ManagedFields.APPLY, apiVersion,
                ManagedFields.timestamp(now), null, FieldSet.of(object))));
        return object;
    }

    /**
     * {@code live} with {@code applied} merged in by {@code manager}; for {@code subresource} {@code status} only the
     * configuration's status, else all of it but its status.
     *
     * @throws ConflictException when the configuration changes fields other managers hold and {@code force} is false
     */
    static Map<String, Object> merged(Map<String, Object> live, Map<String, Object> applied, String subresource,
            String manager, String apiVersion, boolean force, Instant now) throws ConflictException {
        boolean status = "status".equals(subresource);
        Map<String, Object> configuration = status ? onlyStatus(applied) : withoutStatus(applied);
        List<ManagedFields.Entry> entries = ManagedFields.of(live);
        ManagedFields.Entry previous = entries.stream()
                .filter(entry -> entry.isManager(manager, ManagedFields.APPLY, subresource))
                .findFirst().orElse(null);
        Map<List<String>, Object> appliedValues = status ? FieldSet.statusValuesOf(configuration)
                : FieldSet.valuesOf(configuration);
        Map<List<String>, Object> liveValues = status ? FieldSet.statusValuesOf(live) : FieldSet.valuesOf(live);

        List<Conflict> conflicts = new ArrayList<>();
        for (ManagedFields.Entry entry : entries) {
            if (entry == previous) {
                continue;
            }
            appliedValues.forEach((path, value) -> {
                if (entry.fields().contains(path) && liveValues.containsKey(path)
                        && !FieldSet.sameValue(value, liveValues.get(path))) {
                    conflicts.add(new Conflict(entry, path));
                }
            });
        }
        if (!conflicts.isEmpty() && !force) {
            throw new ConflictException(conflicts);
        }

        List<ManagedFields.Entry> others = new ArrayList<>();
        for (ManagedFields.Entry entry : entries) {
            if (entry != previous) {
                List<List<String>> takenOver = conflicts.stream().filter(conflict -> conflict.manager() == entry)
                        .map(Conflict::path).toList();
                others.add(entry.withFields(entry.fields().minus(takenOver)));
            }
        }

        Map<String, Object> mergedObject = ApiJson.parseObject(ApiJson.write(
                StrategicMergePatch.apply(live, withoutManagedFields(configuration))));
        FieldSet applying = FieldSet.empty().plus(appliedValues.keySet());
        if (previous != null) {
            previous.fields().minus(applying.paths()).paths().stream()
                    .filter(dropped -> others.stream().noneMatch(entry -> entry.fields().holdsAnythingAt(dropped)))
                    .sorted(Comparator.comparingInt(List::size)) // an element before its fields
                    .forEach(dropped -> FieldSet.remove(mergedObject, dropped));
        }

        List<ManagedFields.Entry> result = new ArrayList<>(others);
        ManagedFields.Entry applyEntry = new ManagedFields.Entry(manager, ManagedFields.APPLY, apiVersion,
                ManagedFields.timestamp(now), subresource, applying);
        if (previous == null) {
            result.add(applyEntry);
        } else {
            result.add(entries.indexOf(previous), applyEntry);
        }
        ManagedFields.write(mergedObject, result);
        return mergedObject;
    }

    private static Map<String, Object> onlyStatus(Map<String, Object> applied) {
        Map<String, Object> status = new LinkedHashMap<>();
        if (applied.get("status") != null) {
            status.put("status", applied.get("status"));
        }
        return status;
    }

    private static Map<String, Object> withoutStatus(Map<String, Object> applied) {
        Map<String, Object> copy = new LinkedHashMap<>(applied);
        copy.remove("status");
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutManagedFields(Map<String, Object> configuration) {
        if (!(configuration.get("metadata") instanceof Map<?, ?> metadata) || !metadata.containsKey("managedFields")) {
            return configuration;
        }
        Map<String, Object> copy = new LinkedHashMap<>(configuration);
        Map<String, Object> metadataCopy = new LinkedHashMap<>((Map<String, Object>) metadata);
        metadataCopy.remove("managedFields");
        copy.put("metadata", metadataCopy);
        return copy;
    }
}

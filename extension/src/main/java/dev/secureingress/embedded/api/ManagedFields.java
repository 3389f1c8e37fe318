package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.http.RecordedRequest;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An object's {@code metadata.managedFields}: which manager set which fields, by an {@code Apply}
 * ({@link ServerSideApply}) or an {@code Update} (create, update, patch). They are what decides, on a server-side
 * apply, which fields conflict and which fields an applier dropped.
 *
 * <p>An update makes its manager ({@code fieldManager}, else the client's User-Agent up to its first {@code /}, as a
 * real API server names it) the owner of every field it added or changed; other managers lose those fields and
 * fields it removed. A write to the {@code status} subresource concerns only the status: its manager's entry carries
 * {@code subresource: status} and is kept apart from the same manager's entry for the object itself. Simplified:
 * managedFields a client sends on an update are ignored (the stored ones are kept), and an {@code Update} manager is
 * known by its name and subresource (not also its apiVersion).
 */
final class ManagedFields {

    static final String APPLY = "Apply";
    static final String UPDATE = "Update";

    /** One entry of {@code metadata.managedFields}. */
    record Entry(String manager, String operation, String apiVersion, String time, String subresource,
            FieldSet fields) {

        boolean isManager(String name, String anOperation, String aSubresource) {
            return manager.equals(name) && operation.equals(anOperation) && Objects.equals(subresource, aSubresource);
        }

        Entry withFields(FieldSet newFields) {
            return new Entry(manager, operation, apiVersion, time, subresource, newFields);
        }

        /** How a real API server names this manager in a conflict: {@code "kubectl" using apps/v1}. */
        String describe() {
            String name = "\"" + manager + "\"";
            if (subresource != null) {
                name += " with subresource \"" + subresource + "\"";
            }
            return operation.equals(UPDATE) ? name + " using " + apiVersion : name;
        }

        Map<String, Object> toMap() {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("manager", manager);
            entry.put("operation", operation);
            entry.put("apiVersion", apiVersion);
            entry.put("time", time);
            entry.put("fieldsType", "FieldsV1");
            entry.put("fieldsV1", fields.toFieldsV1());
            if (subresource != null) {
                entry.put("subresource", subresource);
            }
            return entry;
        }
    }

    private ManagedFields() {
    }

    /** The entries {@code object} holds; entries that are not maps are left out. */
    static List<Entry> of(Map<String, Object> object) {
        List<Entry> entries = new ArrayList<>();
        if (!(ObjectFields.at(object, "metadata", "managedFields") instanceof List<?> list)) {
            return entries;
        }
        for (Object element : list) {
            if (element instanceof Map<?, ?> entry && entry.get("manager") != null && entry.get("operation") != null) {
                entries.add(new Entry(String.valueOf(entry.get("manager")), String.valueOf(entry.get("operation")),
                        (String) entry.get("apiVersion"), (String) entry.get("time"), (String) entry.get("subresource"),
                        FieldSet.fromFieldsV1(entry.get("fieldsV1"))));
            }
        }
        return entries;
    }

    /** Stores {@code entries} in {@code object}; entries without fields are dropped, as a real API server drops them. */
    @SuppressWarnings("unchecked")
    static void write(Map<String, Object> object, List<Entry> entries) {
        if (!(object.get("metadata") instanceof Map<?, ?> metadata)) {
            return;
        }
        List<Map<String, Object>> kept = entries.stream().filter(entry -> !entry.fields().isEmpty())
                .map(Entry::toMap).toList();
        if (kept.isEmpty()) {
            ((Map<String, Object>) metadata).remove("managedFields");
        } else {
            ((Map<String, Object>) metadata).put("managedFields", new ArrayList<>(kept));
        }
    }

    /**
     * Records in {@code updated} (about to replace {@code current}, {@code null} for a create) that the manager of
     * {@code request} ({@link #managerOf}) updated it through {@code target}: the fields it added or changed become
     * its own, the entries of {@code current} are kept otherwise. Through the {@code status} subresource only the
     * status counts, in the manager's entry for that subresource.
     */
    static void recordUpdate(Map<String, Object> current, Map<String, Object> updated, RecordedRequest request,
            ResourcePath target, Instant now) {
        String manager = managerOf(request);
        String apiVersion = target.groupVersion();
        String subresource = target.subresource();
        boolean status = "status".equals(subresource);
        List<Entry> entries = current == null ? new ArrayList<>() : of(current);
        Map<List<String>, Object> before = current == null ? Map.of()
                : status ? FieldSet.statusValuesOf(current) : FieldSet.valuesOf(current);
        Map<List<String>, Object> after = status ? FieldSet.statusValuesOf(updated) : FieldSet.valuesOf(updated);
        Set<List<String>> changed = new LinkedHashSet<>();
        after.forEach((path, value) -> {
            if (!before.containsKey(path) || !FieldSet.sameValue(before.get(path), value)) {
                changed.add(path);
            }
        });
        Set<List<String>> removed = new LinkedHashSet<>(before.keySet());
        removed.removeAll(after.keySet());
        if (!changed.isEmpty() || !removed.isEmpty()) {
            Set<List<String>> lost = new LinkedHashSet<>(changed);
            lost.addAll(removed);
            Entry own = null;
            for (int i = 0; i < entries.size(); i++) {
                Entry entry = entries.get(i);
                if (entry.isManager(manager, UPDATE, subresource)) {
                    own = entry;
                } else {
                    entries.set(i, entry.withFields(entry.fields().minus(lost)));
                }
            }
            FieldSet fields = (own == null ? FieldSet.empty() : own.fields()).plus(changed).minus(removed);
            Entry updatedOwn = new Entry(manager, UPDATE, apiVersion, timestamp(now), subresource, fields);
            if (own == null) {
                entries.add(updatedOwn);
            } else {
                entries.set(entries.indexOf(own), updatedOwn);
            }
        }
        write(updated, entries);
    }

    /**
     * Who makes {@code request}: its {@code fieldManager} parameter, else its User-Agent up to the first {@code /}
     * ({@code kubectl}, {@code fabric8-kubernetes-client}), else {@code unknown}.
     */
    static String managerOf(RecordedRequest request) {
        String named = parameter(request, "fieldManager");
        if (named != null && !named.isBlank()) {
            return named;
        }
        String userAgent = request.getHeader("User-Agent");
        if (userAgent == null || userAgent.isBlank()) {
            return "unknown";
        }
        int slash = userAgent.indexOf('/');
        String prefix = slash < 0 ? userAgent : userAgent.substring(0, slash);
        return prefix.length() > 128 ? prefix.substring(0, 128) : prefix;
    }

    static String parameter(RecordedRequest request, String name) {
        return QueryParameters.first(request.getPath(), name).orElse(null);
    }

    static String timestamp(Instant now) {
        return Objects.requireNonNull(now).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}

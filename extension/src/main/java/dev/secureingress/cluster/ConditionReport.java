package dev.secureingress.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Reads and renders the status conditions of any Kubernetes object (typed or generic): top-level
 * {@code status.conditions}, Gateway listeners' {@code status.listeners[].conditions} and route
 * parents' {@code status.parents[].conditions}.
 */
public final class ConditionReport {

    /**
     * The reason and message of the conditions the Gateway API CRDs give a Gateway or GatewayClass until a
     * controller writes its own.
     */
    private static final String PENDING_REASON = "Pending";
    private static final String PENDING_MESSAGE = "Waiting for controller";

    private ConditionReport() {
    }

    /** One condition as found in an object's status. {@code scope} is "" or e.g. "listener https". */
    public record Entry(String scope, String type, String status, String reason, String message,
                        Long observedGeneration) {
        @Override
        public String toString() {
            String where = scope.isEmpty() ? "" : scope + ": ";
            return where + type + "=" + status + " (" + reason + (message == null || message.isEmpty() ? "" : ": " + message) + ")";
        }
    }

    /** Every condition of the object, top-level first, then per listener, then per route parent. */
    @SuppressWarnings("unchecked")
    public static List<Entry> entries(HasMetadata resource) {
        List<Entry> entries = new ArrayList<>();
        if (resource == null) {
            return entries;
        }
        Map<String, Object> map = Serialization.jsonMapper().convertValue(resource, Map.class);
        Object status = map.get("status");
        if (!(status instanceof Map<?, ?> statusMap)) {
            return entries;
        }
        collect("", statusMap.get("conditions"), entries);
        if (statusMap.get("listeners") instanceof List<?> listeners) {
            for (Object listener : listeners) {
                if (listener instanceof Map<?, ?> l) {
                    collect("listener " + l.get("name"), l.get("conditions"), entries);
                }
            }
        }
        if (statusMap.get("parents") instanceof List<?> parents) {
            for (Object parent : parents) {
                if (parent instanceof Map<?, ?> p && p.get("parentRef") instanceof Map<?, ?> ref) {
                    String ns = ref.get("namespace") == null ? "" : ref.get("namespace") + "/";
                    collect("parent " + ns + ref.get("name"), p.get("conditions"), entries);
                }
            }
        }
        return entries;
    }

    /**
     * The object's kind, name and conditions on one line, for timeout and failure messages; when its top-level
     * conditions are all still the CRD's "Waiting for controller" defaults, says that no controller has handled it.
     */
    public static String of(HasMetadata resource) {
        if (resource == null) {
            return "not found";
        }
        List<Entry> entries = entries(resource);
        String namespace = resource.getMetadata().getNamespace();
        String name = resource.getKind() + " " + (namespace == null ? "" : namespace + "/") + resource.getMetadata().getName()
                + " (generation " + resource.getMetadata().getGeneration() + ")";
        if (entries.isEmpty()) {
            return name + " has no status conditions yet";
        }
        return name + ": " + entries + (waitingForController(entries)
                ? " (no controller has handled it yet: is a controller for its class running?)" : "");
    }

    private static boolean waitingForController(List<Entry> entries) {
        List<Entry> topLevel = entries.stream().filter(e -> e.scope().isEmpty()).toList();
        return !topLevel.isEmpty() && topLevel.stream().allMatch(
                e -> PENDING_REASON.equals(e.reason()) && PENDING_MESSAGE.equals(e.message()));
    }

    /** True when a top-level condition of that type has that status and is not stale. */
    public static <T extends HasMetadata> Predicate<T> hasCondition(String type, String status) {
        return resource -> entries(resource).stream()
                .anyMatch(e -> e.scope().isEmpty() && e.type().equalsIgnoreCase(type)
                        && Objects.equals(e.status(), status)
                        && (e.observedGeneration() == null
                        || Objects.equals(e.observedGeneration(), resource.getMetadata().getGeneration())));
    }

    private static void collect(String scope, Object conditions, List<Entry> into) {
        if (!(conditions instanceof List<?> list)) {
            return;
        }
        for (Object c : list) {
            if (c instanceof Map<?, ?> m) {
                Object gen = m.get("observedGeneration");
                into.add(new Entry(scope, str(m.get("type")), str(m.get("status")), str(m.get("reason")),
                        str(m.get("message")), gen instanceof Number n ? n.longValue() : null));
            }
        }
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }
}

package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.http.MockResponse;

import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import static dev.secureingress.embedded.api.ApiJson.parseObject;
import static dev.secureingress.embedded.api.ApiJson.text;

/**
 * What kube-apiserver's CRD controllers write into a CustomResourceDefinition's status once it is stored and after its
 * spec changed: the names it serves ({@code status.acceptedNames}: {@code spec.names}, {@code singular} and
 * {@code listKind} defaulted), the conditions {@code NamesAccepted} and {@code Established} {@code True}, and its
 * storage version among {@code status.storedVersions}. So {@code kubectl wait --for=condition=Established crd/NAME}
 * and fabric8's waits for that condition return, as on a cluster. As there, the status comes with a write of its own
 * after the one that stored the CRD (watchers see a MODIFIED event); a condition keeps its
 * {@code lastTransitionTime} while its status stays.
 */
final class CrdEstablishment {

    private final WatchedStore store;
    private final Clock clock;

    CrdEstablishment(WatchedStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** After a successful write of the CRD {@code name} (not of its status): writes the status it calls for. */
    void afterWrite(String name) {
        String path = ApiRequestDispatcher.CRD_COLLECTION + "/" + name;
        for (int attempt = 0; attempt < ObjectUpdates.PATCH_ATTEMPTS; attempt++) {
            MockResponse stored = store.handleGet(path);
            if (stored.code() != HttpURLConnection.HTTP_OK) {
                return;
            }
            Map<String, Object> crd = parseObject(text(stored.getBody()));
            Object before = crd.get("status");
            establish(crd, clock);
            if (Objects.equals(before, crd.get("status"))
                    || !ObjectUpdates.isConflict(store.replaceWithStatus(path, ApiJson.write(crd)))) {
                return;
            }
        }
    }

    /** Sets the status of {@code crd} (JSON) to what the CRD controllers make of its spec and current status. */
    @SuppressWarnings("unchecked")
    static void establish(Map<String, Object> crd, Clock clock) {
        Map<String, Object> status = crd.get("status") instanceof Map<?, ?> current
                ? new LinkedHashMap<>((Map<String, Object>) current) : new LinkedHashMap<>();
        if (ObjectFields.at(crd, "spec", "names") instanceof Map<?, ?> names) {
            Map<String, Object> accepted = new LinkedHashMap<>((Map<String, Object>) names);
            if (accepted.get("kind") instanceof String kind) {
                accepted.putIfAbsent("singular", kind.toLowerCase(Locale.ROOT));
                accepted.putIfAbsent("listKind", kind + "List");
            }
            status.put("acceptedNames", accepted);
        }
        List<Object> conditions = status.get("conditions") instanceof List<?> existing
                ? new ArrayList<>(existing) : new ArrayList<>();
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        setCondition(conditions, "NamesAccepted", "NoConflicts", "no conflicts found", now);
        setCondition(conditions, "Established", "InitialNamesAccepted", "the initial names have been accepted", now);
        status.put("conditions", conditions);
        List<Object> storedVersions = status.get("storedVersions") instanceof List<?> existing
                ? new ArrayList<>(existing) : new ArrayList<>();
        if (ObjectFields.at(crd, "spec", "versions") instanceof List<?> versions) {
            versions.stream()
                    .filter(version -> version instanceof Map<?, ?> v && Boolean.TRUE.equals(v.get("storage")))
                    .map(version -> ((Map<?, ?>) version).get("name"))
                    .filter(name -> name != null && !storedVersions.contains(name))
                    .forEach(storedVersions::add);
        }
        status.put("storedVersions", storedVersions);
        crd.put("status", status);
    }

    /** Makes the condition {@code type} True with {@code reason} and {@code message}, keeping an unchanged one. */
    private static void setCondition(List<Object> conditions, String type, String reason, String message, String now) {
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("type", type);
        condition.put("status", "True");
        condition.put("lastTransitionTime", now);
        condition.put("reason", reason);
        condition.put("message", message);
        for (int i = 0; i < conditions.size(); i++) {
            if (conditions.get(i) instanceof Map<?, ?> existing && type.equals(existing.get("type"))) {
                if ("True".equals(existing.get("status")) && reason.equals(existing.get("reason"))
                        && message.equals(existing.get("message"))) {
                    return;
                }
                conditions.set(i, condition);
                return;
            }
        }
        conditions.add(condition);
    }
}

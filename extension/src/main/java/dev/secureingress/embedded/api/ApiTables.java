package dev.secureingress.embedded.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Server-side printing: the {@code meta.k8s.io/v1} {@code Table} that {@code kubectl get} asks for
 * ({@code Accept: application/json;as=Table;...}), with the columns a real cluster shows for pods,
 * deployments, replica sets, services, endpoints, endpoint slices, nodes, namespaces, secrets, config maps, gateway
 * classes, gateways, HTTP routes, events (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE) and custom resource definitions
 * (NAME and CREATED AT). Other kinds are answered as plain objects, which kubectl prints as NAME and
 * AGE. The columns {@code kubectl get -o wide} adds (pods' IP and node, the containers, images and selector of
 * deployments and replica sets, services' selector, nodes' addresses and system) follow AGE with priority 1, which
 * kubectl shows only then.
 */
final class ApiTables {

    /**
     * A column: its name, its type, its cell for an object at a time (ages are cells of their time), and its
     * priority (1: only {@code kubectl get -o wide} shows it).
     */
    private record Column(String name, String type, BiFunction<Map<String, Object>, Clock, Object> cell, int priority) {

        Column wideOnly() {
            return new Column(name, type, cell, 1);
        }
    }

    private static Column column(String name, String type, Function<Map<String, Object>, Object> cell) {
        return new Column(name, type, (object, clock) -> cell.apply(object), 0);
    }

    private static Column ageColumn(String name, String... timestampPath) {
        return new Column(name, "string", (object, clock) -> age(text(object, timestampPath), clock), 0);
    }

    /** Columns a real cluster shows after AGE (and before the wide ones): a node's VERSION. */
    private static final Map<String, List<Column>> AFTER_AGE_COLUMNS = Map.of(
            "nodes", List.of(column("Version", "string",
                    o -> text(o, "status", "nodeInfo", "kubeletVersion").orElse(""))));

    /** Kinds whose table has no AGE column: a real cluster prints CRDs as NAME and CREATED AT. */
    private static final Set<String> WITHOUT_AGE = Set.of("customresourcedefinitions", "events");
    /** Kinds whose table does not begin with NAME: events begin with LAST SEEN and show their name only wide. */
    private static final Set<String> NAME_ONLY_WIDE = Set.of("events");

    /** kubectl shows at most this many endpoints of an object, then "+ N more...". */
    private static final int ENDPOINTS_SHOWN = 3;

    private static final Map<String, List<Column>> COLUMNS = Map.ofEntries(
            Map.entry("pods", List.of(
                    column("Ready", "string", ApiTables::podReady),
                    column("Status", "string", ApiTables::podStatus),
                    column("Restarts", "integer", ApiTables::podRestarts))),
            Map.entry("deployments", List.of(
                    column("Ready", "string", o -> number(o, "status", "readyReplicas") + "/" + number(o, "spec", "replicas")),
                    column("Up-to-date", "integer", o -> number(o, "status", "updatedReplicas")),
                    column("Available", "integer", o -> number(o, "status", "availableReplicas")))),
            Map.entry("replicasets", List.of(
                    column("Desired", "integer", o -> number(o, "spec", "replicas")),
                    column("Current", "integer", o -> number(o, "status", "replicas")),
                    column("Ready", "integer", o -> number(o, "status", "readyReplicas")))),
            Map.entry("services", List.of(
                    column("Type", "string", o -> text(o, "spec", "type").orElse("ClusterIP")),
                    column("Cluster-IP", "string", o -> text(o, "spec", "clusterIP").orElse("<none>")),
                    column("External-IP", "string", ApiTables::externalIp),
                    column("Port(s)", "string", ApiTables::servicePorts))),
            Map.entry("secrets", List.of(
                    column("Type", "string", o -> text(o, "type").orElse("Opaque")),
                    column("Data", "integer", o -> map(o, "data").size()))),
            Map.entry("configmaps", List.of(
                    column("Data", "integer", o -> map(o, "data").size() + map(o, "binaryData").size()))),
            Map.entry("nodes", List.of(
                    column("Status", "string", o -> "True".equals(conditionStatus(o, "Ready")) ? "Ready" : "NotReady"),
                    column("Roles", "string", ApiTables::nodeRoles))),
            Map.entry("namespaces", List.of(
                    column("Status", "string", o -> text(o, "status", "phase").orElse("Active")))),
            Map.entry("endpoints", List.of(
                    column("Endpoints", "string", ApiTables::endpoints))),
            Map.entry("endpointslices", List.of(
                    column("AddressType", "string", o -> text(o, "addressType").orElse("")),
                    column("Ports", "string", ApiTables::slicePorts),
                    column("Endpoints", "string", ApiTables::sliceEndpoints))),
            Map.entry("gateways", List.of(
                    column("Class", "string", o -> text(o, "spec", "gatewayClassName").orElse("")),
                    column("Address", "string", ApiTables::gatewayAddress),
                    column("Programmed", "string", o -> conditionStatus(o, "Programmed")))),
            Map.entry("gatewayclasses", List.of(
                    column("Controller", "string", o -> text(o, "spec", "controllerName").orElse("")),
                    column("Accepted", "string", o -> conditionStatus(o, "Accepted")))),
            Map.entry("events", List.of(
                    ageColumn("Last Seen", "lastTimestamp"),
                    column("Type", "string", o -> text(o, "type").orElse("")),
                    column("Reason", "string", o -> text(o, "reason").orElse("")),
                    column("Object", "string", o -> text(o, "involvedObject", "kind").orElse("").toLowerCase(Locale.ROOT)
                            + "/" + text(o, "involvedObject", "name").orElse("")),
                    column("Subobject", "string", o -> text(o, "involvedObject", "fieldPath").orElse("")).wideOnly(),
                    column("Source", "string", o -> text(o, "source", "component").orElse("")
                            + text(o, "source", "host").map(host -> ", " + host).orElse("")).wideOnly(),
                    column("Message", "string", o -> text(o, "message").orElse("")),
                    ageColumn("First Seen", "firstTimestamp").wideOnly(),
                    column("Count", "integer", o -> number(o, "count")).wideOnly(),
                    column("Name", "string", o -> text(o, "metadata", "name").orElse("")).wideOnly())),
            Map.entry("customresourcedefinitions", List.of(
                    column("Created At", "date", o -> text(o, "metadata", "creationTimestamp").orElse("")))),
            Map.entry("httproutes", List.of(
                    column("Hostnames", "string", o -> list(o, "spec", "hostnames").stream().map(String::valueOf)
                            .collect(Collectors.joining("\",\"", "[\"", "\"]"))))));

    /** The columns after AGE that only {@code kubectl get -o wide} shows. */
    private static final Map<String, List<Column>> WIDE_COLUMNS = Map.of(
            "pods", List.of(
                    column("IP", "string", o -> text(o, "status", "podIP").orElse("<none>")),
                    column("Node", "string", o -> text(o, "spec", "nodeName").orElse("<none>")),
                    column("Nominated Node", "string", o -> text(o, "status", "nominatedNodeName").orElse("<none>")),
                    column("Readiness Gates", "string", o -> "<none>")),
            "deployments", podTemplateColumns(),
            "replicasets", podTemplateColumns(),
            "services", List.of(
                    column("Selector", "string", o -> selector(map(o, "spec", "selector")))),
            "nodes", List.of(
                    column("Internal-IP", "string", o -> nodeAddress(o, "InternalIP")),
                    column("External-IP", "string", o -> nodeAddress(o, "ExternalIP")),
                    column("OS-Image", "string", o -> text(o, "status", "nodeInfo", "osImage").orElse("<unknown>")),
                    column("Kernel-Version", "string", o -> text(o, "status", "nodeInfo", "kernelVersion").orElse("<unknown>")),
                    column("Container-Runtime", "string",
                            o -> text(o, "status", "nodeInfo", "containerRuntimeVersion").orElse("<unknown>"))));

    private static String nodeAddress(Map<String, Object> node, String type) {
        return list(node, "status", "addresses").stream()
                .filter(entry -> entry instanceof Map<?, ?> address && type.equals(address.get("type")))
                .map(entry -> String.valueOf(((Map<?, ?>) entry).get("address")))
                .findFirst().orElse("<none>");
    }

    private static List<Column> podTemplateColumns() {
        return List.of(
                column("Containers", "string", o -> containers(o, "name")),
                column("Images", "string", o -> containers(o, "image")),
                column("Selector", "string", o -> selector(map(o, "spec", "selector", "matchLabels"))));
    }

    private static String containers(Map<String, Object> object, String field) {
        return list(object, "spec", "template", "spec", "containers").stream()
                .map(container -> container instanceof Map<?, ?> fields ? String.valueOf(fields.get(field)) : "")
                .collect(Collectors.joining(","));
    }

    /** {@code app=httpbin,version=v1}, or {@code <none>}. */
    private static String selector(Map<String, Object> labels) {
        return labels.isEmpty() ? "<none>" : labels.entrySet().stream()
                .map(label -> label.getKey() + "=" + label.getValue()).collect(Collectors.joining(","));
    }

    private ApiTables() {
    }

    /** True when the client asked for a table ({@code kubectl get} without {@code -o}). */
    static boolean wanted(String accept) {
        return accept != null && accept.contains("as=Table");
    }

    /**
     * What each row carries besides its cells, as the request's {@code includeObject} asks: nothing, the object's
     * metadata (the default), or the whole object ({@code kubectl get --sort-by} sorts on it).
     */
    enum RowObject {
        NONE, METADATA, OBJECT;

        static RowObject requestedBy(String pathWithQuery) {
            return switch (QueryParameters.first(pathWithQuery, "includeObject").orElse("Metadata")) {
                case "None" -> NONE;
                case "Object" -> OBJECT;
                default -> METADATA;
            };
        }

        private Optional<Map<String, Object>> of(Map<String, Object> item) {
            return switch (this) {
                case NONE -> Optional.empty();
                case OBJECT -> Optional.of(item);
                case METADATA -> {
                    Map<String, Object> partial = new LinkedHashMap<>();
                    partial.put("kind", "PartialObjectMetadata");
                    partial.put("apiVersion", "meta.k8s.io/v1");
                    partial.put("metadata", map(item, "metadata"));
                    yield Optional.of(partial);
                }
            };
        }
    }

    /** The table of {@code items} of resource {@code plural}; empty for kinds printed as NAME and AGE. */
    static Optional<Map<String, Object>> of(String plural, List<Map<String, Object>> items, String resourceVersion,
                                            RowObject rowObject, Clock clock) {
        List<Column> columns = COLUMNS.get(plural);
        if (columns == null) {
            return Optional.empty();
        }
        List<Column> wideColumns = WIDE_COLUMNS.getOrDefault(plural, List.of());
        List<Map<String, Object>> definitions = new ArrayList<>();
        boolean name = !NAME_ONLY_WIDE.contains(plural);
        if (name) {
            definitions.add(definition("Name", "string", "name", 0));
        }
        columns.forEach(column -> definitions.add(definition(column.name(), column.type(), "", column.priority())));
        boolean age = !WITHOUT_AGE.contains(plural);
        if (age) {
            definitions.add(definition("Age", "string", "", 0));
        }
        List<Column> afterAge = AFTER_AGE_COLUMNS.getOrDefault(plural, List.of());
        afterAge.forEach(column -> definitions.add(definition(column.name(), column.type(), "", 0)));
        wideColumns.forEach(column -> definitions.add(definition(column.name(), column.type(), "", 1)));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Map<String, Object> item : items) {
            List<Object> cells = new ArrayList<>();
            if (name) {
                cells.add(text(item, "metadata", "name").orElse(""));
            }
            columns.forEach(column -> cells.add(column.cell().apply(item, clock)));
            if (age) {
                cells.add(age(text(item, "metadata", "creationTimestamp"), clock));
            }
            afterAge.forEach(column -> cells.add(column.cell().apply(item, clock)));
            wideColumns.forEach(column -> cells.add(column.cell().apply(item, clock)));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("cells", cells);
            rowObject.of(item).ifPresent(object -> row.put("object", object));
            rows.add(row);
        }
        Map<String, Object> table = new LinkedHashMap<>();
        table.put("kind", "Table");
        table.put("apiVersion", "meta.k8s.io/v1");
        table.put("metadata", resourceVersion == null ? Map.of() : Map.of("resourceVersion", resourceVersion));
        table.put("columnDefinitions", definitions);
        table.put("rows", rows);
        return Optional.of(table);
    }

    private static Map<String, Object> definition(String name, String type, String format, int priority) {
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("name", name);
        definition.put("type", type);
        definition.put("format", format);
        definition.put("description", "");
        definition.put("priority", priority);
        return definition;
    }

    /** kubectl's short ages: 42s, 3m12s, 25m, 2h10m, 20h, 3d4h, 12d. */
    static String age(Optional<String> created, Clock clock) {
        if (created.isEmpty()) {
            return "<unknown>";
        }
        Duration age;
        try {
            age = Duration.between(Instant.parse(created.get()), clock.instant());
        } catch (DateTimeParseException e) {
            return "<invalid>";
        }
        long seconds = Math.max(0, age.getSeconds());
        long minutes = seconds / 60;
        long hours = minutes / 60;
        long days = hours / 24;
        if (seconds < 120) {
            return seconds + "s";
        } else if (minutes < 10) {
            return seconds % 60 == 0 ? minutes + "m" : minutes + "m" + seconds % 60 + "s";
        } else if (minutes < 180) {
            return minutes + "m";
        } else if (hours < 8) {
            return minutes % 60 == 0 ? hours + "h" : hours + "h" + minutes % 60 + "m";
        } else if (hours < 48) {
            return hours + "h";
        } else if (days < 8) {
            return hours % 24 == 0 ? days + "d" : days + "d" + hours % 24 + "h";
        }
        return days + "d";
    }

    private static Object podReady(Map<String, Object> pod) {
        List<Object> statuses = list(pod, "status", "containerStatuses");
        int total = Math.max(list(pod, "spec", "containers").size(), statuses.size());
        long ready = statuses.stream().filter(s -> s instanceof Map<?, ?> status && Boolean.TRUE.equals(status.get("ready")))
                .count();
        return ready + "/" + total;
    }

    private static Object podStatus(Map<String, Object> pod) {
        if (pod.get("metadata") instanceof Map<?, ?> metadata && metadata.get("deletionTimestamp") != null) {
            return "Terminating";
        }
        for (Object entry : list(pod, "status", "containerStatuses")) {
            if (entry instanceof Map<?, ?> status && status.get("state") instanceof Map<?, ?> state
                    && state.get("waiting") instanceof Map<?, ?> waiting && waiting.get("reason") != null) {
                return waiting.get("reason");
            }
        }
        return text(pod, "status", "phase").orElse("Pending");
    }

    private static Object podRestarts(Map<String, Object> pod) {
        return list(pod, "status", "containerStatuses").stream()
                .mapToLong(s -> s instanceof Map<?, ?> status && status.get("restartCount") instanceof Number n ? n.longValue() : 0)
                .sum();
    }

    private static Object externalIp(Map<String, Object> service) {
        List<String> addresses = list(service, "status", "loadBalancer", "ingress").stream()
                .filter(Map.class::isInstance).map(ingress -> ((Map<?, ?>) ingress).get("ip"))
                .filter(ip -> ip != null).map(String::valueOf).toList();
        if (!addresses.isEmpty()) {
            return String.join(",", addresses);
        }
        return "LoadBalancer".equals(text(service, "spec", "type").orElse("")) ? "<pending>" : "<none>";
    }

    private static Object servicePorts(Map<String, Object> service) {
        List<String> ports = new ArrayList<>();
        for (Object entry : list(service, "spec", "ports")) {
            if (entry instanceof Map<?, ?> port) {
                String protocol = port.get("protocol") == null ? "TCP" : String.valueOf(port.get("protocol"));
                ports.add(port.get("port") + (port.get("nodePort") == null ? "" : ":" + port.get("nodePort")) + "/" + protocol);
            }
        }
        return ports.isEmpty() ? "<none>" : String.join(",", ports);
    }

    /** {@code 127.244.0.7:8000,127.244.0.8:8000 + 1 more...}: every address with every port, subset by subset. */
    private static Object endpoints(Map<String, Object> endpoints) {
        List<String> shown = new ArrayList<>();
        for (Object entry : list(endpoints, "subsets")) {
            if (entry instanceof Map<?, ?> subset) {
                List<Object> ports = subset.get("ports") instanceof List<?> p ? new ArrayList<>(p) : List.of();
                List<Object> addresses = subset.get("addresses") instanceof List<?> a ? new ArrayList<>(a) : List.of();
                for (Object port : ports) {
                    for (Object address : addresses) {
                        if (port instanceof Map<?, ?> p && address instanceof Map<?, ?> a) {
                            shown.add(a.get("ip") + ":" + p.get("port"));
                        }
                    }
                }
            }
        }
        return firstFew(shown);
    }

    private static Object slicePorts(Map<String, Object> slice) {
        List<String> ports = list(slice, "ports").stream()
                .map(entry -> entry instanceof Map<?, ?> port && port.get("port") != null ? String.valueOf(port.get("port"))
                        : "<unset>")
                .toList();
        return ports.isEmpty() ? "<unset>" : String.join(",", ports);
    }

    private static Object sliceEndpoints(Map<String, Object> slice) {
        List<String> addresses = new ArrayList<>();
        for (Object entry : list(slice, "endpoints")) {
            if (entry instanceof Map<?, ?> endpoint && endpoint.get("addresses") instanceof List<?> each) {
                each.forEach(address -> addresses.add(String.valueOf(address)));
            }
        }
        return firstFew(addresses);
    }

    private static String firstFew(List<String> values) {
        if (values.isEmpty()) {
            return "<none>";
        }
        String shown = String.join(",", values.subList(0, Math.min(ENDPOINTS_SHOWN, values.size())));
        return values.size() <= ENDPOINTS_SHOWN ? shown : shown + " + " + (values.size() - ENDPOINTS_SHOWN) + " more...";
    }

    /** The roles of {@code node-role.kubernetes.io/<role>} labels, e.g. {@code control-plane}; {@code <none>}. */
    private static Object nodeRoles(Map<String, Object> node) {
        String prefix = "node-role.kubernetes.io/";
        List<String> roles = map(node, "metadata", "labels").keySet().stream()
                .filter(label -> label.startsWith(prefix) && label.length() > prefix.length())
                .map(label -> label.substring(prefix.length())).sorted().toList();
        return roles.isEmpty() ? "<none>" : String.join(",", roles);
    }

    private static Object gatewayAddress(Map<String, Object> gateway) {
        return list(gateway, "status", "addresses").stream()
                .filter(Map.class::isInstance).map(address -> ((Map<?, ?>) address).get("value"))
                .filter(value -> value != null).map(String::valueOf).findFirst().orElse("");
    }

    private static Object conditionStatus(Map<String, Object> object, String type) {
        return list(object, "status", "conditions").stream()
                .filter(entry -> entry instanceof Map<?, ?> condition && type.equals(condition.get("type")))
                .map(entry -> String.valueOf(((Map<?, ?>) entry).get("status")))
                .findFirst().orElse("Unknown");
    }

    private static Object number(Map<String, Object> object, String... path) {
        return ObjectFields.at(object, path) instanceof Number number ? number.longValue() : 0L;
    }

    private static Optional<String> text(Map<String, Object> object, String... path) {
        Object value = ObjectFields.at(object, path);
        return value == null ? Optional.empty() : Optional.of(String.valueOf(value));
    }

    private static List<Object> list(Map<String, Object> object, String... path) {
        return ObjectFields.at(object, path) instanceof List<?> list ? new ArrayList<>(list) : List.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> object, String... path) {
        return ObjectFields.at(object, path) instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}

package dev.secureingress.embedded.api;


import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The cluster IPs of Services, handed out as a real API server does: a Service of type ClusterIP, NodePort or
 * LoadBalancer without one gets a free address of the service range {@value #SERVICE_RANGE} in
 * {@code spec.clusterIP} and {@code spec.clusterIPs}, and keeps it on every update, also when the update leaves it
 * out; an update that changes it is refused ({@link #changeOnUpdate}). A headless Service ({@code clusterIP: None})
 * stays headless; an ExternalName Service gets none. The first address of the range,
 * {@value #KUBERNETES_SERVICE_IP}, is the {@code kubernetes} Service's and never handed out. The address carries no
 * traffic in the embedded cluster: Gateways and pods have loopback addresses of their own.
 */
final class ClusterIps {

    static final String SERVICE_RANGE = "10.96.0.0/12";
    /** The first address of the range: the {@code kubernetes} Service's, as in a real cluster. */
    static final String KUBERNETES_SERVICE_IP = "10.96.0.1";
    /** 10.96.0.0 as a number; the range holds 2^20 addresses. */
    private static final int RANGE_START = (10 << 24) | (96 << 16);
    private static final int RANGE_SIZE = 1 << 20;

    /** Addresses handed out by this server; never handed out twice (the range is large). */
    private final Set<String> handedOut = ConcurrentHashMap.newKeySet();

    /** Where the addresses handed out are drawn from. */
    private final Supplier<RandomGenerator> random;

    ClusterIps() {
        this(ThreadLocalRandom::current);
    }

    /** Hands out addresses drawn from {@code random}. */
    ClusterIps(Supplier<RandomGenerator> random) {
        this.random = random;
        handedOut.add(KUBERNETES_SERVICE_IP);
    }

    /**
     * Gives {@code service} (a Service about to be stored) its cluster IP: the one {@code current} (the stored
     * version, or {@code null} for a create) has, else a new one, unless it names one itself or needs none.
     */
    @SuppressWarnings("unchecked")
    void assign(Map<String, Object> service, Map<String, Object> current) {
        if (!(service.get("spec") instanceof Map<?, ?> specMap)) {
            return;
        }
        Map<String, Object> spec = (Map<String, Object>) specMap;
        if ("ExternalName".equals(spec.get("type"))) {
            return;
        }
        Object clusterIp = spec.get("clusterIP");
        if (clusterIp == null || clusterIp.toString().isEmpty()) {
            Map<?, ?> currentSpec = current != null && current.get("spec") instanceof Map<?, ?> stored ? stored : Map.of();
            if (currentSpec.get("clusterIP") instanceof String kept && !kept.isEmpty()) {
                spec.put("clusterIP", kept);
                spec.put("clusterIPs", currentSpec.get("clusterIPs") instanceof List<?> keptIps ? keptIps : List.of(kept));
            } else {
                String allocated = allocate();
                spec.put("clusterIP", allocated);
                spec.put("clusterIPs", List.of(allocated));
            }
        } else {
            handedOut.add(clusterIp.toString()); // named by the Service: not to be handed out to another one
            if (!(spec.get("clusterIPs") instanceof List<?> ips) || ips.isEmpty()) {
                spec.put("clusterIPs", List.of(clusterIp));
            }
        }
        spec.putIfAbsent("ipFamilies", List.of("IPv4"));
        spec.putIfAbsent("ipFamilyPolicy", "SingleStack");
    }

    /**
     * Why an update of {@code current} (the stored Service) to {@code service} may not be stored: it changes the
     * cluster IP, which a real API server refuses as {@code spec.clusterIPs[0]: Invalid value: ["10.96.7.8"]: may not
     * change once set}. Read as the real server reads the two fields: a {@code clusterIP} left out or empty keeps the
     * address, and a changed {@code clusterIP} beside unchanged {@code clusterIPs} stands for both. Services that are
     * or become ExternalName, and headless Services that stay headless, are never refused.
     */
    static Optional<ObjectValidation.Violation> changeOnUpdate(Map<String, Object> service, Map<String, Object> current) {
        Map<?, ?> spec = service.get("spec") instanceof Map<?, ?> map ? map : Map.of();
        Map<?, ?> currentSpec = current.get("spec") instanceof Map<?, ?> map ? map : Map.of();
        List<String> before = clusterIps(currentSpec);
        if ("ExternalName".equals(spec.get("type")) || "ExternalName".equals(currentSpec.get("type"))
                || before.isEmpty()) {
            return Optional.empty();
        }
        List<String> after = clusterIps(spec);
        Object clusterIp = spec.get("clusterIP");
        boolean clusterIpGiven = clusterIp instanceof String ip && !ip.isEmpty();
        if (clusterIpGiven && (after.isEmpty() || after.equals(before)) && !clusterIp.equals(before.get(0))) {
            after = List.of((String) clusterIp);
        } else if (after.isEmpty()) {
            return Optional.empty(); // left out: the stored address is kept
        }
        for (int i = 0; i < Math.min(before.size(), after.size()); i++) {
            if (!before.get(i).equals(after.get(i))) {
                return Optional.of(new ObjectValidation.Violation("FieldValueInvalid", "spec.clusterIPs[" + i + "]",
                        "Invalid value: " + ApiJson.write(after) + ": may not change once set"));
            }
        }
        return Optional.empty();
    }

    /**
     * Why {@code service}, about to be created, may not have the cluster IP it names: another Service has it
     * ({@code inUse} lists the addresses of the stored Services), which a real API server refuses as
     * {@code spec.clusterIPs: Invalid value: ["10.96.0.1"]: failed to allocate IP 10.96.0.1: provided IP is already
     * allocated}.
     */
    static Optional<ObjectValidation.Violation> takenOnCreate(Map<String, Object> service, Supplier<Set<String>> inUse) {
        Map<?, ?> spec = service.get("spec") instanceof Map<?, ?> map ? map : Map.of();
        List<String> requested = clusterIps(spec).stream().filter(ip -> !ip.equals("None")).toList();
        if (requested.isEmpty() || "ExternalName".equals(spec.get("type"))) {
            return Optional.empty();
        }
        Set<String> taken = inUse.get();
        return requested.stream().filter(taken::contains).findFirst()
                .map(ip -> new ObjectValidation.Violation("FieldValueInvalid", "spec.clusterIPs", "Invalid value: "
                        + ApiJson.write(clusterIps(spec)) + ": failed to allocate IP " + ip
                        + ": provided IP is already allocated"));
    }

    /** The {@code clusterIPs} of a Service's spec, else its {@code clusterIP} alone, else none. */
    private static List<String> clusterIps(Map<?, ?> spec) {
        if (spec.get("clusterIPs") instanceof List<?> ips && !ips.isEmpty()) {
            return ips.stream().map(String::valueOf).toList();
        }
        return spec.get("clusterIP") instanceof String ip && !ip.isEmpty() ? List.of(ip) : List.of();
    }

    /** A free address of the range, not its first (network) or last (broadcast) one. */
    private String allocate() {
        while (true) {
            int address = RANGE_START + random.get().nextInt(1, RANGE_SIZE - 1);
            String dotted = (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff)
                    + "." + (address & 0xff);
            if (handedOut.add(dotted)) {
                return dotted;
            }
        }
    }
}

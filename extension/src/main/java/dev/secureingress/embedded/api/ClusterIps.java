package dev.secureingress.embedded.api;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The cluster IPs of Services, handed out as a real API server does: a Service of type ClusterIP, NodePort or
 * LoadBalancer without one gets a free address of the service range {@value #SERVICE_RANGE} in
 * {@code spec.clusterIP} and {@code spec.clusterIPs}, and keeps it on every update, also when the update leaves it
 * out. A headless Service ({@code clusterIP: None}) stays headless; an ExternalName Service gets none. The address
 * carries no traffic in the embedded cluster: Gateways and pods have loopback addresses of their own.
 */
final class ClusterIps {

    static final String SERVICE_RANGE = "10.96.0.0/12";
    /** 10.96.0.0 as a number; the range holds 2^20 addresses. */
    private static final int RANGE_START = (10 << 24) | (96 << 16);
    private static final int RANGE_SIZE = 1 << 20;

    /** Addresses handed out by this server; never handed out twice (the range is large). */
    private final Set<String> handedOut = ConcurrentHashMap.newKeySet();

    ClusterIps() {
        handedOut.add("10.96.0.1"); // the kubernetes Service's address in a real cluster
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
        } else if (!(spec.get("clusterIPs") instanceof List<?> ips) || ips.isEmpty()) {
            spec.put("clusterIPs", List.of(clusterIp));
        }
        spec.putIfAbsent("ipFamilies", List.of("IPv4"));
        spec.putIfAbsent("ipFamilyPolicy", "SingleStack");
    }

    /** A free address of the range, not its first (network) or last (broadcast) one. */
    private String allocate() {
        while (true) {
            int address = RANGE_START + ThreadLocalRandom.current().nextInt(1, RANGE_SIZE - 1);
            String dotted = (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff)
                    + "." + (address & 0xff);
            if (handedOut.add(dotted)) {
                return dotted;
            }
        }
    }
}

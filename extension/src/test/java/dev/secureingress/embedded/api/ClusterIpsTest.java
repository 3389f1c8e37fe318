package dev.secureingress.embedded.api;

import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterIpsTest {

    @Test
    void theFirstAddressOfTheRangeIsTheKubernetesServicesAndNeverHandedOut() {
        Iterator<Integer> offsets = List.of(1, 1, 2).iterator(); // 10.96.0.1, again, then 10.96.0.2
        ClusterIps clusterIps = new ClusterIps(() -> drawing(offsets));

        Map<String, Object> service = service(null);
        clusterIps.assign(service, null);

        assertThat(ObjectFields.at(service, "spec", "clusterIP")).isEqualTo("10.96.0.2");
        assertThat(ObjectFields.at(service, "spec", "clusterIPs")).isEqualTo(List.of("10.96.0.2"));
        assertThat(offsets).isExhausted();
    }

    @Test
    void anAddressThatAServiceNamesIsNotHandedOutToAnother() {
        Iterator<Integer> offsets = List.of(5, 6).iterator(); // 10.96.0.5, then 10.96.0.6
        ClusterIps clusterIps = new ClusterIps(() -> drawing(offsets));
        clusterIps.assign(service("10.96.0.5"), null);

        Map<String, Object> allocated = service(null);
        clusterIps.assign(allocated, null);

        assertThat(ObjectFields.at(allocated, "spec", "clusterIP")).isEqualTo("10.96.0.6");
    }

    /** Draws the given offsets into the range, one per address tried. */
    private static RandomGenerator drawing(Iterator<Integer> offsets) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("only bounded ints are drawn");
            }

            @Override
            public int nextInt(int origin, int bound) {
                return offsets.next();
            }
        };
    }

    private static Map<String, Object> service(String clusterIp) {
        Map<String, Object> spec = new LinkedHashMap<>(Map.of("type", "ClusterIP"));
        if (clusterIp != null) {
            spec.put("clusterIP", clusterIp);
        }
        return new LinkedHashMap<>(Map.of("spec", spec));
    }
}

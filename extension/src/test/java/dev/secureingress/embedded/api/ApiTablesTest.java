package dev.secureingress.embedded.api;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ApiTablesTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void agesAreShortAsKubectlPrintsThem() {
        assertThat(age(NOW.minusSeconds(42))).isEqualTo("42s");
        assertThat(age(NOW.minusSeconds(119))).isEqualTo("119s");
        assertThat(age(NOW.minusSeconds(3 * 60 + 12))).isEqualTo("3m12s");
        assertThat(age(NOW.minusSeconds(5 * 60))).isEqualTo("5m");
        assertThat(age(NOW.minusSeconds(25 * 60 + 7))).isEqualTo("25m");
        assertThat(age(NOW.minusSeconds(2 * 3600 + 10 * 60))).isEqualTo("130m");
        assertThat(age(NOW.minusSeconds(4 * 3600 + 10 * 60))).isEqualTo("4h10m");
        assertThat(age(NOW.minusSeconds(20 * 3600))).isEqualTo("20h");
        assertThat(age(NOW.minusSeconds(3 * 86400 + 4 * 3600))).isEqualTo("3d4h");
        assertThat(age(NOW.minusSeconds(12 * 86400))).isEqualTo("12d");
        assertThat(ApiTables.age(Optional.empty(), CLOCK)).isEqualTo("<unknown>");
    }

    @Test
    void gatewaysShowClassAddressAndProgrammedLikeTheGatewayApiCrds() {
        Map<String, Object> gateway = Map.of(
                "metadata", Map.of("name", "mygateway", "creationTimestamp", NOW.minusSeconds(30).toString()),
                "spec", Map.of("gatewayClassName", "istio"),
                "status", Map.of(
                        "addresses", List.of(Map.of("type", "IPAddress", "value", "127.0.0.2")),
                        "conditions", List.of(Map.of("type", "Accepted", "status", "True"),
                                Map.of("type", "Programmed", "status", "False"))));

        Map<String, Object> table = ApiTables.of("gateways", List.of(gateway), "7", ApiTables.RowObject.METADATA, CLOCK).orElseThrow();

        assertThat(table).containsEntry("kind", "Table").containsEntry("apiVersion", "meta.k8s.io/v1");
        assertThat(list(table.get("columnDefinitions")).stream().map(c -> (Object) ((Map<?, ?>) c).get("name")).toList())
                .containsExactly("Name", "Class", "Address", "Programmed", "Age");
        Map<?, ?> row = (Map<?, ?>) list(table.get("rows")).get(0);
        assertThat(list(row.get("cells"))).containsExactly("mygateway", "istio", "127.0.0.2", "False", "30s");
        assertThat(((Map<?, ?>) row.get("object")).get("kind")).isEqualTo("PartialObjectMetadata");
    }

    @Test
    void loadBalancerServicesShowTheirAddressOrPendingAndNodePorts() {
        Map<String, Object> pending = Map.of(
                "metadata", Map.of("name", "mygateway-istio"),
                "spec", Map.of("type", "LoadBalancer", "clusterIP", "10.96.0.10",
                        "ports", List.of(Map.of("port", 443, "nodePort", 31443, "protocol", "TCP"))));
        Map<String, Object> served = Map.of(
                "metadata", Map.of("name", "other-istio"),
                "spec", Map.of("type", "LoadBalancer", "ports", List.of(Map.of("port", 80))),
                "status", Map.of("loadBalancer", Map.of("ingress", List.of(Map.of("ip", "127.0.0.3")))));

        List<Object> rows = list(ApiTables.of("services", List.of(pending, served), null, ApiTables.RowObject.METADATA, CLOCK).orElseThrow().get("rows"));

        assertThat(list(((Map<?, ?>) rows.get(0)).get("cells")))
                .containsExactly("mygateway-istio", "LoadBalancer", "10.96.0.10", "<pending>", "443:31443/TCP", "<unknown>",
                        "<none>");
        assertThat(list(((Map<?, ?>) rows.get(1)).get("cells")))
                .containsExactly("other-istio", "LoadBalancer", "<none>", "127.0.0.3", "80/TCP", "<unknown>", "<none>");
    }

    @Test
    void endpointsShowAddressAndPortPairsThreeAtMost() {
        Map<String, Object> four = Map.of(
                "metadata", Map.of("name", "httpbin"),
                "subsets", List.of(Map.of(
                        "addresses", List.of(Map.of("ip", "127.244.0.7"), Map.of("ip", "127.244.0.8")),
                        "ports", List.of(Map.of("port", 8080), Map.of("port", 9090)))));
        Map<String, Object> none = Map.of("metadata", Map.of("name", "helloworld"));

        List<Object> rows = list(ApiTables.of("endpoints", List.of(four, none), null, ApiTables.RowObject.METADATA, CLOCK).orElseThrow().get("rows"));

        assertThat(list(((Map<?, ?>) rows.get(0)).get("cells"))).containsExactly("httpbin",
                "127.244.0.7:8080,127.244.0.8:8080,127.244.0.7:9090 + 1 more...", "<unknown>");
        assertThat(list(((Map<?, ?>) rows.get(1)).get("cells"))).containsExactly("helloworld", "<none>", "<unknown>");
    }

    @Test
    void endpointSlicesShowAddressTypePortsAndAddresses() {
        Map<String, Object> slice = Map.of(
                "metadata", Map.of("name", "httpbin-x2kqp"),
                "addressType", "IPv4",
                "ports", List.of(Map.of("name", "http", "port", 8080)),
                "endpoints", List.of(Map.of("addresses", List.of("127.244.0.7")), Map.of("addresses", List.of("127.244.0.8"))));

        Map<String, Object> table = ApiTables.of("endpointslices", List.of(slice), null, ApiTables.RowObject.METADATA, CLOCK).orElseThrow();

        assertThat(list(table.get("columnDefinitions")).stream().map(c -> (Object) ((Map<?, ?>) c).get("name")).toList())
                .containsExactly("Name", "AddressType", "Ports", "Endpoints", "Age");
        assertThat(list(((Map<?, ?>) list(table.get("rows")).get(0)).get("cells")))
                .containsExactly("httpbin-x2kqp", "IPv4", "8080", "127.244.0.7,127.244.0.8", "<unknown>");
    }

    @Test
    void nodesShowReadinessRolesAndVersion() {
        Map<String, Object> node = Map.of(
                "metadata", Map.of("name", "embedded", "labels", Map.of("node-role.kubernetes.io/control-plane", "true",
                        "kubernetes.io/os", "linux")),
                "status", Map.of("conditions", List.of(Map.of("type", "Ready", "status", "True")),
                        "nodeInfo", Map.of("kubeletVersion", "v1.32.0")));
        Map<String, Object> notReady = Map.of("metadata", Map.of("name", "worker"),
                "status", Map.of("conditions", List.of(Map.of("type", "Ready", "status", "Unknown"))));

        Map<String, Object> table = ApiTables.of("nodes", List.of(node, notReady), null, ApiTables.RowObject.METADATA, CLOCK).orElseThrow();
        List<Object> rows = list(table.get("rows"));

        assertThat(list(table.get("columnDefinitions")).stream().map(c -> (Object) ((Map<?, ?>) c).get("name")).limit(5)
                .toList()).containsExactly("Name", "Status", "Roles", "Age", "Version");
        assertThat(list(((Map<?, ?>) rows.get(0)).get("cells")).subList(0, 5))
                .containsExactly("embedded", "Ready", "control-plane", "<unknown>", "v1.32.0");
        assertThat(list(((Map<?, ?>) rows.get(1)).get("cells")).subList(0, 5))
                .containsExactly("worker", "NotReady", "<none>", "<unknown>", "");
    }

    @Test
    void customResourceDefinitionsShowWhenTheyWereCreatedInsteadOfTheirAge() {
        String created = NOW.minusSeconds(3600).toString();
        Map<String, Object> crd = Map.of("metadata", Map.of("name", "gateways.gateway.networking.k8s.io",
                "creationTimestamp", created));

        Map<String, Object> table = ApiTables.of("customresourcedefinitions", List.of(crd), null, ApiTables.RowObject.METADATA, CLOCK).orElseThrow();

        assertThat(list(table.get("columnDefinitions")).stream().map(c -> (Object) ((Map<?, ?>) c).get("name")).toList())
                .containsExactly("Name", "Created At");
        assertThat(list(((Map<?, ?>) list(table.get("rows")).get(0)).get("cells")))
                .containsExactly("gateways.gateway.networking.k8s.io", created);
    }

    @Test
    void eventsShowWhenWhatAndToWhichObjectAndTheirNameOnlyWide() {
        Map<String, Object> event = Map.of(
                "metadata", Map.of("name", "httpbin.18ebf9d23f0bbc1c", "creationTimestamp", NOW.minusSeconds(90).toString()),
                "involvedObject", Map.of("kind", "Deployment", "name", "httpbin"),
                "type", "Normal", "reason", "ScalingReplicaSet",
                "message", "Scaled up replica set httpbin-5b78797794 from 0 to 1",
                "source", Map.of("component", "deployment-controller"),
                "firstTimestamp", NOW.minusSeconds(90).toString(), "lastTimestamp", NOW.minusSeconds(5).toString(),
                "count", 2);

        Map<String, Object> table = ApiTables.of("events", List.of(event), null, ApiTables.RowObject.METADATA, CLOCK).orElseThrow();

        List<Object> definitions = list(table.get("columnDefinitions"));
        assertThat(definitions.stream().filter(c -> ((Map<?, ?>) c).get("priority").equals(0))
                .map(c -> (Object) ((Map<?, ?>) c).get("name")).toList())
                .containsExactly("Last Seen", "Type", "Reason", "Object", "Message");
        assertThat(definitions.stream().map(c -> (Object) ((Map<?, ?>) c).get("name")).toList()).as("with -o wide")
                .containsExactly("Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen",
                        "Count", "Name");
        assertThat(list(((Map<?, ?>) list(table.get("rows")).get(0)).get("cells"))).containsExactly("5s", "Normal",
                "ScalingReplicaSet", "deployment/httpbin", "", "deployment-controller",
                "Scaled up replica set httpbin-5b78797794 from 0 to 1", "90s", 2L, "httpbin.18ebf9d23f0bbc1c");
    }

    @Test
    void rowsCarryTheObjectTheRequestAsksForWithIncludeObject() {
        Map<String, Object> event = Map.of("metadata", Map.of("name", "e", "creationTimestamp", NOW.toString()),
                "involvedObject", Map.of("kind", "Pod", "name", "p"), "lastTimestamp", NOW.toString());

        assertThat(rowObject("/api/v1/events", event)).as("default: metadata")
                .containsEntry("kind", "PartialObjectMetadata").doesNotContainKey("lastTimestamp");
        assertThat(rowObject("/api/v1/events?includeObject=Object", event)).as("--sort-by asks for the object")
                .isEqualTo(event);
        Map<String, Object> row = stringKeyed(list(ApiTables.of("events", List.of(event), null,
                ApiTables.RowObject.requestedBy("/api/v1/events?includeObject=None"), CLOCK).orElseThrow().get("rows")).get(0));
        assertThat(row).containsOnlyKeys("cells");
    }

    private static Map<String, Object> rowObject(String path, Map<String, Object> item) {
        Map<String, Object> row = stringKeyed(list(ApiTables.of("events", List.of(item), null,
                ApiTables.RowObject.requestedBy(path), CLOCK).orElseThrow().get("rows")).get(0));
        return stringKeyed(row.get("object"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stringKeyed(Object map) {
        return (Map<String, Object>) map;
    }

    @Test
    void kindsWithoutColumnsAreLeftToKubectl() {
        assertThat(ApiTables.of("serviceaccounts", List.of(), null, ApiTables.RowObject.METADATA, CLOCK)).isEmpty();
        assertThat(ApiTables.wanted("application/json;as=Table;v=v1;g=meta.k8s.io,application/json")).isTrue();
        assertThat(ApiTables.wanted("application/json")).isFalse();
        assertThat(ApiTables.wanted(null)).isFalse();
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }

    private static String age(Instant created) {
        return ApiTables.age(Optional.of(created.toString()), CLOCK);
    }
}

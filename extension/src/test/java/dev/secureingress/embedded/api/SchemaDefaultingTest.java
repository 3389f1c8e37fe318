package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API server fills the defaults of the stored CRD's schema into custom resources, carried out by the dispatcher:
 * the Gateway API's defaults (route matches, parentRef and backendRef group/kind/weight, also of a GRPCRoute,
 * listener TLS mode and allowed routes) on create, replacement, merge and JSON patches and server-side apply, the answer to the write
 * included; a user's CRD's defaults too, also in its status, and defaults a CRD gained after an object was stored
 * show when the object is read.
 */
class SchemaDefaultingTest {

    private static final String HTTP_ROUTES = "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes";
    private static final String GATEWAYS = "/apis/gateway.networking.k8s.io/v1/namespaces/default/gateways";
    private static final String CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    private static final String PETS = "/apis/zoo.example.com/v1/namespaces/default/pets";
    private static final String JSON = "application/json";
    private static final Map<String, Object> ROOT_PREFIX = Map.of("path", Map.of("type", "PathPrefix", "value", "/"));

    private final ApiRequestDispatcher dispatcher = EmbeddedApiServer.seededDispatcher();

    private static String route(String name, String rules) {
        return """
                {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "%s"},
                 "spec": {"parentRefs": [{"name": "gw"}], "rules": %s}}
                """.formatted(name, rules);
    }

    @Test
    void aCreatedRouteCarriesTheGatewayApiDefaults() {
        MockResponse created = send(HttpMethod.POST, HTTP_ROUTES, JSON,
                route("created", "[{\"backendRefs\": [{\"name\": \"httpbin\", \"port\": 8000}]}]"));

        assertThat(created.code()).isEqualTo(201);
        for (Map<String, Object> route : List.of(body(created), read(HTTP_ROUTES + "/created"))) {
            assertThat(ObjectFields.at(route, "spec", "parentRefs")).isEqualTo(List.of(Map.of(
                    "name", "gw", "group", "gateway.networking.k8s.io", "kind", "Gateway")));
            Map<?, ?> rule = (Map<?, ?>) ((List<?>) ObjectFields.at(route, "spec", "rules")).get(0);
            assertThat(rule.get("matches")).isEqualTo(List.of(ROOT_PREFIX));
            assertThat(rule.get("backendRefs")).isEqualTo(List.of(Map.of(
                    "name", "httpbin", "port", 8000, "group", "", "kind", "Service", "weight", 1)));
        }
    }

    @Test
    void aRouteWithoutRulesGetsTheRuleThatMatchesEveryPath() {
        send(HttpMethod.POST, HTTP_ROUTES, JSON, route("ruleless", "null"));

        assertThat(ObjectFields.at(read(HTTP_ROUTES + "/ruleless"), "spec", "rules"))
                .isEqualTo(List.of(Map.of("matches", List.of(ROOT_PREFIX))));
    }

    @Test
    void aGrpcRoutesReferencesGetTheSharedDefaults() {
        send(HttpMethod.POST, "/apis/gateway.networking.k8s.io/v1/namespaces/default/grpcroutes", JSON, """
                {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GRPCRoute", "metadata": {"name": "grpc"},
                 "spec": {"parentRefs": [{"name": "gw"}], "rules": [{"backendRefs": [{"name": "echo", "port": 9000}]}]}}
                """);

        Map<String, Object> route = read("/apis/gateway.networking.k8s.io/v1/namespaces/default/grpcroutes/grpc");
        assertThat(ObjectFields.at(route, "spec", "parentRefs")).isEqualTo(List.of(Map.of(
                "name", "gw", "group", "gateway.networking.k8s.io", "kind", "Gateway")));
        assertThat(rule(route, 0).get("backendRefs")).isEqualTo(List.of(Map.of(
                "name", "echo", "port", 9000, "group", "", "kind", "Service", "weight", 1)));
    }

    @Test
    void aListenerGetsItsTlsModeAndAllowedRoutes() {
        send(HttpMethod.POST, GATEWAYS, JSON, """
                {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "gw"},
                 "spec": {"gatewayClassName": "istio", "listeners": [{"name": "https", "port": 443, "protocol": "HTTPS",
                          "tls": {"certificateRefs": [{"name": "httpbin-credential"}]}}]}}
                """);

        Map<?, ?> listener = (Map<?, ?>) ((List<?>) ObjectFields.at(read(GATEWAYS + "/gw"), "spec", "listeners")).get(0);
        assertThat(listener.get("allowedRoutes")).isEqualTo(Map.of("namespaces", Map.of("from", "Same")));
        assertThat(listener.get("tls")).isEqualTo(Map.of("mode", "Terminate", "certificateRefs",
                List.of(Map.of("name", "httpbin-credential", "group", "", "kind", "Secret"))));
    }

    @Test
    void everyKindOfWriteStoresTheObjectDefaulted() {
        send(HttpMethod.POST, HTTP_ROUTES, JSON, route("written", "[{\"backendRefs\": [{\"name\": \"a\", \"port\": 80}]}]"));
        Map<String, Object> current = read(HTTP_ROUTES + "/written");
        current.put("spec", Map.of("rules", List.of(Map.of("backendRefs", List.of(Map.of("name", "b", "port", 80))))));

        MockResponse replaced = send(HttpMethod.PUT, HTTP_ROUTES + "/written", JSON, ApiJson.write(current));
        Map<?, ?> afterReplace = rule(read(HTTP_ROUTES + "/written"), 0);
        MockResponse merged = send(HttpMethod.PATCH, HTTP_ROUTES + "/written", "application/merge-patch+json",
                "{\"spec\": {\"parentRefs\": [{\"name\": \"other\"}]}}");
        MockResponse jsonPatched = send(HttpMethod.PATCH, HTTP_ROUTES + "/written", "application/json-patch+json",
                "[{\"op\": \"add\", \"path\": \"/spec/rules/-\", \"value\": {\"matches\": [{\"path\": {\"value\": \"/v2\"}}]}}]");
        MockResponse applied = send(HttpMethod.PATCH, "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes/"
                + "applied?fieldManager=tests", "application/apply-patch+yaml", route("applied", "[{}]"));

        assertThat(List.of(replaced.code(), merged.code(), jsonPatched.code(), applied.code()))
                .containsExactly(200, 200, 200, 201);
        assertThat(afterReplace.get("backendRefs")).isEqualTo(List.of(Map.of(
                "name", "b", "port", 80, "group", "", "kind", "Service", "weight", 1)));
        assertThat(afterReplace.get("matches")).isEqualTo(List.of(ROOT_PREFIX));
        Map<String, Object> patched = read(HTTP_ROUTES + "/written");
        assertThat(ObjectFields.at(patched, "spec", "parentRefs")).isEqualTo(List.of(Map.of(
                "name", "other", "group", "gateway.networking.k8s.io", "kind", "Gateway")));
        assertThat(rule(patched, 1).get("matches"))
                .isEqualTo(List.of(Map.of("path", Map.of("type", "PathPrefix", "value", "/v2"))));
        assertThat(rule(read(HTTP_ROUTES + "/applied"), 0).get("matches")).isEqualTo(List.of(ROOT_PREFIX));
    }

    @Test
    void aUsersCrdDefaultsItsObjectsAndTheirStatus() {
        createPetCrd();
        send(HttpMethod.POST, PETS, JSON, """
                {"apiVersion": "zoo.example.com/v1", "kind": "Pet", "metadata": {"name": "tom"}, "spec": {"legs": 4}}
                """);

        MockResponse statusWritten = send(HttpMethod.PUT, PETS + "/tom/status", JSON,
                ApiJson.write(withStatus(read(PETS + "/tom"))));

        assertThat(ObjectFields.at(read(PETS + "/tom"), "spec")).isEqualTo(Map.of("legs", 4, "species", "cat"));
        assertThat(statusWritten.code()).isEqualTo(200);
        assertThat(ObjectFields.at(read(PETS + "/tom"), "status")).isEqualTo(Map.of("fed", true, "mood", "calm"));
    }

    @Test
    void defaultsACrdGainsShowWhenItsStoredObjectsAreRead() {
        createPetCrd();
        send(HttpMethod.POST, PETS, JSON, """
                {"apiVersion": "zoo.example.com/v1", "kind": "Pet", "metadata": {"name": "rex"}, "spec": {"species": "dog"}}
                """);
        Map<String, Object> crd = read(CRDS + "/pets.zoo.example.com");
        Map<String, Object> legs = schemaProperty(crd, "legs");
        legs.put("default", 4);

        assertThat(send(HttpMethod.PUT, CRDS + "/pets.zoo.example.com", JSON,
                ApiJson.write(crd)).code()).isEqualTo(200);

        assertThat(ObjectFields.at(read(PETS + "/rex"), "spec")).isEqualTo(Map.of("species", "dog", "legs", 4));
        List<?> items = (List<?>) read(PETS).get("items");
        assertThat(ObjectFields.at((Map<?, ?>) items.get(0), "spec")).isEqualTo(Map.of("species", "dog", "legs", 4));
    }

    /** Pets: species defaults to cat, legs has no default, status.mood defaults to calm. */
    private void createPetCrd() {
        MockResponse created = send(HttpMethod.POST, CRDS, JSON, """
                {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                 "metadata": {"name": "pets.zoo.example.com"},
                 "spec": {"group": "zoo.example.com", "scope": "Namespaced",
                          "names": {"plural": "pets", "singular": "pet", "kind": "Pet", "listKind": "PetList"},
                          "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}},
                            "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                              "spec": {"type": "object", "properties": {
                                "species": {"type": "string", "default": "cat"},
                                "legs": {"type": "integer"}}},
                              "status": {"type": "object", "properties": {
                                "fed": {"type": "boolean"},
                                "mood": {"type": "string", "default": "calm"}}}}}}}]}}
                """);
        assertThat(created.code()).as(ApiJson.text(created.getBody())).isEqualTo(201);
    }

    private static Map<String, Object> withStatus(Map<String, Object> pet) {
        pet.put("status", Map.of("fed", true));
        return pet;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> schemaProperty(Map<String, Object> crd, String name) {
        Map<String, Object> version = (Map<String, Object>) ((List<?>) ObjectFields.at(crd, "spec", "versions")).get(0);
        Map<String, Object> spec = (Map<String, Object>) ObjectFields.at(version, "schema", "openAPIV3Schema",
                "properties", "spec");
        return (Map<String, Object>) ((Map<String, Object>) spec.get("properties")).get(name);
    }

    private static Map<?, ?> rule(Map<String, Object> route, int index) {
        return (Map<?, ?>) ((List<?>) ObjectFields.at(route, "spec", "rules")).get(index);
    }

    private Map<String, Object> read(String path) {
        MockResponse response = dispatcher.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.GET, path,
                Headers.builder().build(), null));
        assertThat(response.code()).as("GET %s", path).isEqualTo(200);
        return body(response);
    }

    private static Map<String, Object> body(MockResponse response) {
        return ApiJson.parseObject(ApiJson.text(response.getBody()));
    }

    private MockResponse send(HttpMethod method, String path, String contentType, String body) {
        return dispatcher.dispatch(new RecordedRequest("HTTP/1.1", method, path,
                Headers.builder().add("Content-Type", contentType).build(), new Buffer().writeUtf8(body)));
    }
}

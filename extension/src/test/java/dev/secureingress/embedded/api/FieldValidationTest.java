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
 * Writes of objects that do not fit their schema, carried out by the dispatcher: unknown fields per
 * {@code fieldValidation} (Strict, Warn by default, Ignore) on create, replace, status replace, every patch type and
 * server-side apply; values a CRD's schema refuses; built-in kinds.
 */
class FieldValidationTest {

    private static final String GATEWAYS = "/apis/gateway.networking.k8s.io/v1/namespaces/default/gateways";
    private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";
    private static final String JSON = "application/json";

    private final ApiRequestDispatcher dispatcher = EmbeddedApiServer.seededDispatcher();

    private static String gateway(String name, String listenerFields) {
        return """
                {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
                 "metadata": {"name": "%s", "labels": {"app.kubernetes.io/name": "web"}},
                 "spec": {"gatewayClassName": "istio",
                          "listeners": [{"name": "https", "port": 443, "protocol": "HTTPS"%s}]}}
                """.formatted(name, listenerFields);
    }

    @Test
    void byDefaultAnUnknownFieldIsDroppedWithAWarning() {
        MockResponse created = send(HttpMethod.POST, GATEWAYS, JSON,
                gateway("warned", "").replace("\"gatewayClassName\"", "\"listners\": [], \"gatewayClassName\""));

        assertThat(created.code()).isEqualTo(201);
        assertThat(created.headers("Warning")).containsExactly("299 - \"unknown field \\\"spec.listners\\\"\"");
        assertThat(stored(GATEWAYS + "/warned")).doesNotContain("listners").contains("\"port\":443")
                .contains("app.kubernetes.io/name");
    }

    @Test
    void strictRefusesAnUnknownFieldAndStoresNothing() {
        MockResponse refused = send(HttpMethod.POST, GATEWAYS + "?fieldValidation=Strict", JSON,
                gateway("strict", ", \"portt\": 8443").replace("\"gatewayClassName\"", "\"listners\": [], \"gatewayClassName\""));

        assertThat(refused.code()).isEqualTo(400);
        assertThat(status(refused)).containsEntry("reason", "BadRequest").containsEntry("message",
                "Gateway in version \"v1\" cannot be handled as a Gateway: strict decoding error: "
                        + "unknown field \"spec.listeners[0].portt\", unknown field \"spec.listners\"");
        assertThat(get(GATEWAYS + "/strict").code()).isEqualTo(404);
    }

    @Test
    void ignoreDropsAnUnknownFieldSilently() {
        MockResponse created = send(HttpMethod.POST, GATEWAYS + "?fieldValidation=Ignore", JSON,
                gateway("ignored", ", \"portt\": 8443"));

        assertThat(created.code()).isEqualTo(201);
        assertThat(created.headers("Warning")).isEmpty();
        assertThat(stored(GATEWAYS + "/ignored")).doesNotContain("portt");
    }

    @Test
    void aValueOfTheWrongTypeIsInvalid() {
        MockResponse refused = send(HttpMethod.POST, GATEWAYS, JSON,
                gateway("typed", "").replace("\"port\": 443", "\"port\": \"443\""));

        assertThat(refused.code()).isEqualTo(422);
        assertThat(status(refused)).containsEntry("reason", "Invalid").containsEntry("message",
                "Gateway.gateway.networking.k8s.io \"typed\" is invalid: [spec.listeners[0].port: Invalid value: "
                        + "\"string\": spec.listeners[0].port in body must be of type integer: \"string\", <nil>: Invalid "
                        + "value: \"null\": some validation rules were not checked because the object was invalid; "
                        + "correct the existing errors to complete validation]");
        assertThat(get(GATEWAYS + "/typed").code()).isEqualTo(404);
    }

    @Test
    void replacingTheObjectOrItsStatusDropsUnknownFieldsWithWarnings() {
        send(HttpMethod.POST, GATEWAYS, JSON, gateway("replaced", ""));
        Map<String, Object> current = ApiJson.parseObject(stored(GATEWAYS + "/replaced"));
        spec(current).put("addresss", "extra");
        current.put("status", Map.of("conditionz", "Programmed"));

        MockResponse replaced = send(HttpMethod.PUT, GATEWAYS + "/replaced", JSON, ApiJson.write(current));
        Map<String, Object> withStatusTypo = ApiJson.parseObject(stored(GATEWAYS + "/replaced"));
        withStatusTypo.put("status", Map.of("conditionz", List.of()));
        MockResponse statusReplaced = send(HttpMethod.PUT, GATEWAYS + "/replaced/status", JSON,
                ApiJson.write(withStatusTypo));

        assertThat(replaced.code()).isEqualTo(200);
        assertThat(replaced.headers("Warning")).containsExactly("299 - \"unknown field \\\"spec.addresss\\\"\"",
                "299 - \"unknown field \\\"status.conditionz\\\"\"");
        assertThat(statusReplaced.code()).isEqualTo(200);
        assertThat(statusReplaced.headers("Warning")).containsExactly("299 - \"unknown field \\\"status.conditionz\\\"\"");
        assertThat(stored(GATEWAYS + "/replaced")).doesNotContain("addresss").doesNotContain("conditionz");
    }

    @Test
    void patchesAreCheckedOnTheObjectTheyMake() {
        send(HttpMethod.POST, GATEWAYS, JSON, gateway("patched", ""));

        MockResponse strict = send(HttpMethod.PATCH, GATEWAYS + "/patched?fieldValidation=Strict",
                "application/merge-patch+json", "{\"spec\":{\"listners\":[]}}");
        MockResponse merged = send(HttpMethod.PATCH, GATEWAYS + "/patched", "application/merge-patch+json",
                "{\"spec\":{\"listners\":[]}}");
        MockResponse jsonPatched = send(HttpMethod.PATCH, GATEWAYS + "/patched", "application/json-patch+json",
                "[{\"op\":\"add\",\"path\":\"/spec/infrastructure\",\"value\":{\"labelz\":{}}}]");
        MockResponse statusPatched = send(HttpMethod.PATCH, GATEWAYS + "/patched/status",
                "application/merge-patch+json", "{\"status\":{\"adresses\":[]}}");
        MockResponse retyped = send(HttpMethod.PATCH, GATEWAYS + "/patched", "application/merge-patch+json",
                "{\"spec\":{\"gatewayClassName\":7}}");

        assertThat(strict.code()).isEqualTo(422);
        assertThat(String.valueOf(status(strict).get("message"))).startsWith(" \"\" is invalid: patch: Invalid value: \"{")
                .endsWith("\": strict decoding error: unknown field \"spec.listners\"");
        assertThat(merged.code()).isEqualTo(200);
        assertThat(merged.headers("Warning")).containsExactly("299 - \"unknown field \\\"spec.listners\\\"\"");
        assertThat(jsonPatched.code()).isEqualTo(200);
        assertThat(jsonPatched.headers("Warning"))
                .containsExactly("299 - \"unknown field \\\"spec.infrastructure.labelz\\\"\"");
        assertThat(statusPatched.code()).isEqualTo(200);
        assertThat(statusPatched.headers("Warning")).containsExactly("299 - \"unknown field \\\"status.adresses\\\"\"");
        assertThat(retyped.code()).isEqualTo(422);
        assertThat(stored(GATEWAYS + "/patched")).doesNotContain("listners").doesNotContain("labelz")
                .doesNotContain("adresses").contains("\"gatewayClassName\":\"istio\"");
    }

    @Test
    void serverSideApplyRefusesFieldsTheSchemaDoesNotDeclare() {
        MockResponse refused = send(HttpMethod.PATCH, GATEWAYS + "/applied?fieldManager=tests",
                "application/apply-patch+yaml", gateway("applied", ", \"portt\": 8443"));

        assertThat(refused.code()).isEqualTo(500);
        assertThat(status(refused)).containsEntry("message", "failed to create typed patch object (default/applied; "
                + "gateway.networking.k8s.io/v1, Kind=Gateway): .spec.listeners[0].portt: field not declared in schema");
        assertThat(send(HttpMethod.PATCH, GATEWAYS + "/applied?fieldManager=tests", "application/apply-patch+yaml",
                gateway("applied", "")).code()).isEqualTo(201);
        MockResponse coreRefused = send(HttpMethod.PATCH, "/api/v1/namespaces/default/configmaps/applied?fieldManager=t",
                "application/apply-patch+yaml", "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", "
                        + "\"metadata\": {\"name\": \"applied\"}, \"dat\": {}}");
        assertThat(status(coreRefused)).containsEntry("message", "failed to create typed patch object (default/applied; "
                + "/v1, Kind=ConfigMap): .dat: field not declared in schema");
    }

    @Test
    void aCrdAUserAppliesBringsItsOwnRules() {
        MockResponse crd = send(HttpMethod.POST, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", JSON, """
                {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                 "metadata": {"name": "pets.zoo.example.com"},
                 "spec": {"group": "zoo.example.com", "scope": "Namespaced",
                          "names": {"plural": "pets", "singular": "pet", "kind": "Pet", "listKind": "PetList"},
                          "versions": [{"name": "v1", "served": true, "storage": true,
                            "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                              "spec": {"type": "object", "required": ["species"], "properties": {
                                "species": {"type": "string", "enum": ["cat", "dog"]},
                                "legs": {"type": "integer", "minimum": 0, "maximum": 4},
                                "notes": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}}}}]}}
                """);
        assertThat(crd.code()).isEqualTo(201);

        MockResponse refused = send(HttpMethod.POST, "/apis/zoo.example.com/v1/namespaces/default/pets", JSON, """
                {"apiVersion": "zoo.example.com/v1", "kind": "Pet", "metadata": {"name": "rex"},
                 "spec": {"species": "cow", "legs": 5}}
                """);
        MockResponse missing = send(HttpMethod.POST, "/apis/zoo.example.com/v1/namespaces/default/pets", JSON, """
                {"apiVersion": "zoo.example.com/v1", "kind": "Pet", "metadata": {"name": "nobody"}, "spec": {}}
                """);
        MockResponse created = send(HttpMethod.POST, "/apis/zoo.example.com/v1/namespaces/default/pets", JSON, """
                {"apiVersion": "zoo.example.com/v1", "kind": "Pet", "metadata": {"name": "tom"},
                 "spec": {"species": "cat", "colour": "grey", "notes": {"any": "thing"}}}
                """);

        assertThat(refused.code()).isEqualTo(422);
        assertThat(status(refused).get("message")).isEqualTo("Pet.zoo.example.com \"rex\" is invalid: ["
                + "spec.species: Unsupported value: \"cow\": supported values: \"cat\", \"dog\", "
                + "spec.legs: Invalid value: 5: spec.legs in body should be less than or equal to 4]");
        assertThat(status(missing).get("message"))
                .isEqualTo("Pet.zoo.example.com \"nobody\" is invalid: spec.species: Required value");
        assertThat(created.code()).isEqualTo(201);
        assertThat(created.headers("Warning")).containsExactly("299 - \"unknown field \\\"spec.colour\\\"\"");
        assertThat(stored("/apis/zoo.example.com/v1/namespaces/default/pets/tom")).contains("\"any\":\"thing\"")
                .doesNotContain("colour");
    }

    @Test
    void builtInKindsAreCheckedForUnknownFieldsOnly() {
        String deployment = """
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "%s"},
                 "spec": {"replica": 2, "selector": {"matchLabels": {"app": "web"}},
                          "template": {"metadata": {"labels": {"app": "web"}},
                                       "spec": {"containers": [{"name": "web", "image": "example/web:1",
                                                "resources": {"limits": {"cpu": "100m", "memory": 64}}}]}}}}
                """;

        MockResponse refused = send(HttpMethod.POST, DEPLOYMENTS + "?fieldValidation=Strict", JSON,
                deployment.formatted("strict"));
        MockResponse created = send(HttpMethod.POST, DEPLOYMENTS, JSON, deployment.formatted("warned"));

        assertThat(refused.code()).isEqualTo(400);
        assertThat(status(refused).get("message")).isEqualTo("Deployment in version \"v1\" cannot be handled as a "
                + "Deployment: strict decoding error: unknown field \"spec.replica\"");
        assertThat(created.code()).isEqualTo(201);
        assertThat(created.headers("Warning")).containsExactly("299 - \"unknown field \\\"spec.replica\\\"\"");
        assertThat(stored(DEPLOYMENTS + "/warned")).doesNotContain("replica\"").contains("\"memory\":64");
    }

    private MockResponse send(HttpMethod method, String path, String contentType, String body) {
        return dispatcher.dispatch(new RecordedRequest("HTTP/1.1", method, path,
                Headers.builder().add("Content-Type", contentType).build(), new Buffer().writeUtf8(body)));
    }

    private MockResponse get(String path) {
        return dispatcher.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.GET, path, Headers.builder().build(), null));
    }

    private String stored(String path) {
        MockResponse response = get(path);
        assertThat(response.code()).as("GET %s", path).isEqualTo(200);
        return ApiJson.text(response.getBody());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(Map<String, Object> object) {
        return (Map<String, Object>) object.get("spec");
    }

    private static Map<String, Object> status(MockResponse response) {
        return ApiJson.parseObject(ApiJson.text(response.getBody()));
    }
}

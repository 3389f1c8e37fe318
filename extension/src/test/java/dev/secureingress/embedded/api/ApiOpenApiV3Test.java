package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI v3 documents kubectl explain reads ({@link ApiOpenApiV3}), asked of a seeded server's dispatcher. */
class ApiOpenApiV3Test {

    private final ApiRequestDispatcher dispatcher = EmbeddedApiServer.seededDispatcher();

    @Test
    void theCoreDocumentHoldsThePodSchemaUnderTheApiServersNameWithItsGroupVersionKind() {
        Map<String, Object> pod = schema("/openapi/v3/api/v1", "io.k8s.api.core.v1.Pod");

        assertThat(pod.get("x-kubernetes-group-version-kind"))
                .isEqualTo(List.of(Map.of("group", "", "version", "v1", "kind", "Pod")));
        assertThat(ObjectFields.at(pod, "properties", "spec")).isEqualTo(reference("io.k8s.api.core.v1.PodSpec"));
        assertThat(ObjectFields.at(schema("/openapi/v3/api/v1", "io.k8s.api.core.v1.PodSpec"),
                "properties", "containers")).isEqualTo(Map.of("type", "array",
                "items", reference("io.k8s.api.core.v1.Container")));
        assertThat(ObjectFields.at(pod, "properties", "metadata"))
                .isEqualTo(reference("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
        assertThat(map(ObjectFields.at(schema("/openapi/v3/api/v1", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"),
                "properties"))).as("ObjectMeta's fields").containsKeys("name", "namespace", "labels", "annotations");
    }

    @Test
    void everyReferenceOfABuiltInGroupVersionsDocumentNamesASchemaOfTheSameDocument() {
        for (String document : List.of("/openapi/v3/api/v1", "/openapi/v3/apis/apps/v1", "/openapi/v3/apis/batch/v1",
                "/openapi/v3/apis/networking.k8s.io/v1", "/openapi/v3/apis/apiextensions.k8s.io/v1")) {
            Map<String, Object> schemas = schemas(document);
            List<String> referred = Pattern.compile("\"\\$ref\":\"#/components/schemas/([^\"]+)\"")
                    .matcher(get(document)).results().map(match -> match.group(1)).distinct().toList();

            assertThat(referred).as("references in %s", document).isNotEmpty()
                    .allSatisfy(name -> assertThat(schemas).as(document).containsKey(name));
        }
    }

    @Test
    void eachBuiltInGroupVersionsDocumentHoldsItsKinds() {
        assertThat(schema("/openapi/v3/apis/apps/v1", "io.k8s.api.apps.v1.Deployment")
                .get("x-kubernetes-group-version-kind"))
                .isEqualTo(List.of(Map.of("group", "apps", "version", "v1", "kind", "Deployment")));
        assertThat(schema("/openapi/v3/apis/networking.k8s.io/v1", "io.k8s.api.networking.v1.Ingress")).isNotEmpty();
        assertThat(schema("/openapi/v3/apis/apiextensions.k8s.io/v1",
                "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition")).isNotEmpty();
        assertThat(schemas("/openapi/v3/apps/v1")).as("no such document").isEmpty();
    }

    @Test
    void aCustomResourceKeepsItsCrdsSchemaAndName() {
        Map<String, Object> gateway = schema("/openapi/v3/apis/gateway.networking.k8s.io/v1",
                "io.k8s.networking.gateway.v1.Gateway");

        assertThat(gateway.get("x-kubernetes-group-version-kind"))
                .isEqualTo(List.of(Map.of("group", "gateway.networking.k8s.io", "version", "v1", "kind", "Gateway")));
        assertThat(ObjectFields.at(gateway, "properties", "spec", "properties", "listeners", "type")).isEqualTo("array");
    }

    @Test
    void theRootNamesTheSameDocumentsUntilACrdIsWritten() {
        String root = get("/openapi/v3");
        assertThat(get("/openapi/v3")).isEqualTo(root);
        String coreEntry = String.valueOf(ObjectFields.at(ApiJson.parseObject(root), "paths", "api/v1"));

        MockResponse created = dispatcher.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.POST,
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                Headers.builder().add("Content-Type", "application/json").build(),
                new Buffer().writeUtf8(ApiJson.write(widgetCrd()))));
        assertThat(created.code()).as(ApiJson.text(created.getBody())).isEqualTo(201);

        Map<String, Object> after = ApiJson.parseObject(get("/openapi/v3"));
        assertThat(map(after.get("paths"))).containsKey("apis/example.com/v1");
        assertThat(String.valueOf(ObjectFields.at(after, "paths", "api/v1"))).isEqualTo(coreEntry);
        assertThat(schemas("/openapi/v3/apis/example.com/v1")).containsKey("com.example.v1.Widget");
    }

    private static Map<String, Object> reference(String name) {
        return Map.of("allOf", List.of(Map.of("$ref", "#/components/schemas/" + name)));
    }

    private Map<String, Object> schema(String document, String name) {
        Map<String, Object> schemas = schemas(document);
        assertThat(schemas).as("components.schemas of %s", document).containsKey(name);
        return map(schemas.get(name));
    }

    private Map<String, Object> schemas(String document) {
        MockResponse response = dispatcher.dispatch(request(document));
        if (response.code() != 200) {
            return Map.of();
        }
        return map(ObjectFields.at(ApiJson.parseObject(ApiJson.text(response.getBody())), "components", "schemas"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private String get(String path) {
        MockResponse response = dispatcher.dispatch(request(path));
        assertThat(response.code()).as("GET %s", path).isEqualTo(200);
        return ApiJson.text(response.getBody());
    }

    private static RecordedRequest request(String path) {
        return new RecordedRequest("HTTP/1.1", HttpMethod.GET, path, Headers.builder().build(), new Buffer());
    }

    private static CustomResourceDefinition widgetCrd() {
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName("widgets.example.com").endMetadata()
                .withNewSpec().withGroup("example.com").withScope("Namespaced")
                .withNewNames().withKind("Widget").withPlural("widgets").withSingular("widget").endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true)
                .withNewSchema().withOpenAPIV3Schema(new JSONSchemaPropsBuilder().withType("object")
                        .addToProperties("spec", new JSONSchemaPropsBuilder().withType("object")
                                .addToProperties("size", new JSONSchemaPropsBuilder().withType("integer").build())
                                .build())
                        .build()).endSchema()
                .endVersion()
                .endSpec()
                .build();
    }
}

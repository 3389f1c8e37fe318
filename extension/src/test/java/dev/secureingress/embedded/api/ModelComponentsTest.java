package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI components of built-in kinds: named as Kubernetes names them, fields referring to their types. */
class ModelComponentsTest {

    @Test
    void aKindsSchemaReferToItsFieldsTypesUnderTheirKubernetesNames() {
        ModelComponents components = new ModelComponents();

        assertThat(components.add(Deployment.class)).isEqualTo("io.k8s.api.apps.v1.Deployment");

        Map<String, JSONSchemaProps> schemas = components.schemas();
        JSONSchemaProps deployment = schemas.get("io.k8s.api.apps.v1.Deployment");
        assertThat(reference(deployment.getProperties().get("metadata")))
                .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        assertThat(reference(deployment.getProperties().get("spec")))
                .isEqualTo("#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec");
        assertThat(deployment.getProperties().get("kind").getType()).isEqualTo("string");
        JSONSchemaProps podSpec = schemas.get("io.k8s.api.core.v1.PodSpec");
        assertThat(reference(podSpec.getProperties().get("containers").getItems().getSchema()))
                .isEqualTo("#/components/schemas/io.k8s.api.core.v1.Container");
        JSONSchemaProps resources = schemas.get("io.k8s.api.core.v1.ResourceRequirements");
        assertThat(reference(resources.getProperties().get("limits").getAdditionalProperties().getSchema()))
                .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity");
        assertThat(schemas).containsKeys("io.k8s.api.apps.v1.DeploymentStrategy",
                "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
                "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry",
                "io.k8s.apimachinery.pkg.util.intstr.IntOrString", "io.k8s.api.core.v1.PodTemplateSpec");
        assertThat(schemas.keySet()).allSatisfy(name -> assertThat(name).startsWith("io.k8s."));
    }

    @Test
    void everyReferenceInADocumentsSchemasNamesOneOfThem() {
        ModelComponents components = new ModelComponents();
        components.add(Pod.class);
        components.add(CustomResourceDefinition.class); // its JSONSchemaProps contain themselves

        String json = ApiJson.write(components.schemas());
        List<String> references = Pattern.compile("\"\\$ref\":\"#/components/schemas/([^\"]+)\"")
                .matcher(json).results().map(match -> match.group(1)).distinct().toList();

        assertThat(references).isNotEmpty().allSatisfy(name -> assertThat(components.schemas()).containsKey(name));
        assertThat(reference(components.schemas()
                .get("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps").getProperties()
                .get("properties").getAdditionalProperties().getSchema()))
                .isEqualTo("#/components/schemas/io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps");
    }

    @Test
    void quantityAndIntOrStringHaveNoTypeSoThatKubectlPrintsTheirNames() {
        ModelComponents components = new ModelComponents();
        components.add(Deployment.class);

        JSONSchemaProps quantity = components.schemas().get("io.k8s.apimachinery.pkg.api.resource.Quantity");
        JSONSchemaProps intOrString = components.schemas().get("io.k8s.apimachinery.pkg.util.intstr.IntOrString");

        assertThat(quantity.getType()).isNull();
        assertThat(quantity.getOneOf()).extracting(JSONSchemaProps::getType).containsExactly("string", "number");
        assertThat(intOrString.getType()).isNull();
        assertThat(intOrString.getOneOf()).extracting(JSONSchemaProps::getType).containsExactly("integer", "string");
    }

    private static String reference(JSONSchemaProps schema) {
        assertThat(schema.getAllOf()).hasSize(1);
        return schema.getAllOf().get(0).get$ref();
    }
}

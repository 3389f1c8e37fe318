package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ModelSchemasTest {

    @Test
    void aKindHasItsModelsPropertiesWithTheirJsonNamesAndTypes() {
        JSONSchemaProps gateway = ModelSchemas.ofKind(Gateway.class);

        assertThat(gateway.getType()).isEqualTo("object");
        assertThat(gateway.getProperties()).containsOnlyKeys("apiVersion", "kind", "metadata", "spec", "status");
        JSONSchemaProps listener = gateway.getProperties().get("spec").getProperties().get("listeners").getItems().getSchema();
        assertThat(listener.getProperties()).containsKeys("name", "hostname", "port", "protocol", "tls", "allowedRoutes");
        assertThat(listener.getProperties().get("port").getType()).isEqualTo("integer");
        assertThat(listener.getProperties().get("port").getFormat()).isEqualTo("int32");
        assertThat(listener.getProperties().get("hostname").getType()).isEqualTo("string");
        assertThat(gateway.getProperties().get("spec").getProperties().get("listeners").getType()).isEqualTo("array");
    }

    @Test
    void metadataOfAKindIsAPlainObjectAndObjectMetaIsDescribedInFull() {
        JSONSchemaProps metadata = ModelSchemas.ofKind(HTTPRoute.class).getProperties().get("metadata");
        assertThat(metadata.getType()).isEqualTo("object");
        assertThat(metadata.getProperties()).isNullOrEmpty();

        JSONSchemaProps objectMeta = ModelSchemas.ofObject(ObjectMeta.class);
        assertThat(objectMeta.getProperties()).containsKeys("name", "namespace", "labels", "annotations", "managedFields");
        assertThat(objectMeta.getProperties().get("labels").getAdditionalProperties().getSchema().getType()).isEqualTo("string");
        JSONSchemaProps fieldsV1 = objectMeta.getProperties().get("managedFields").getItems().getSchema()
                .getProperties().get("fieldsV1");
        assertThat(fieldsV1.getXKubernetesPreserveUnknownFields()).isTrue();
    }

    @Test
    void intOrStringAndQuantitiesAreIntOrString() {
        JSONSchemaProps port = ModelSchemas.ofKind(Service.class).getProperties().get("spec").getProperties()
                .get("ports").getItems().getSchema();
        assertThat(port.getProperties().get("targetPort").getXKubernetesIntOrString()).isTrue();
        assertThat(port.getProperties().get("targetPort").getType()).isNull();

        JSONSchemaProps container = ModelSchemas.ofKind(Deployment.class).getProperties().get("spec").getProperties()
                .get("template").getProperties().get("spec").getProperties().get("containers").getItems().getSchema();
        JSONSchemaProps limits = container.getProperties().get("resources").getProperties().get("limits");
        assertThat(limits.getType()).isEqualTo("object");
        assertThat(limits.getAdditionalProperties().getSchema().getXKubernetesIntOrString()).isTrue();
    }

    @Test
    void aSchemaIsDerivedOncePerClassAndSerialisesAsAStructuralSchema() {
        assertThat(ModelSchemas.ofKind(Gateway.class)).isSameAs(ModelSchemas.ofKind(Gateway.class));

        String json = ApiJson.write(ModelSchemas.ofKind(Gateway.class));
        assertThat(json).startsWith("{").contains("\"listeners\":{\"items\":{\"properties\":{")
                .doesNotContain("\"required\":[]").doesNotContain("null");
    }
}

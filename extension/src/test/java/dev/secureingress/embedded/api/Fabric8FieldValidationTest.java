package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What fabric8 (which sends no {@code fieldValidation}, so the server's default, Warn, applies) sees: an unknown
 * additional property of a model is stored without it, and a value the CRD's schema refuses (its type, its string
 * format) is a 422.
 */
class Fabric8FieldValidationTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    @Test
    void anUnknownAdditionalPropertyOfAGatewayIsStoredWithoutIt() {
        Gateway gateway = new GatewayBuilder()
                .withNewMetadata().withName("additional").withNamespace("default").endMetadata()
                .withNewSpec().withGatewayClassName("istio")
                .addNewListener().withName("http").withPort(80).withProtocol("HTTP").endListener()
                .endSpec().build();
        gateway.getSpec().setAdditionalProperty("listners", List.of());
        gateway.getSpec().getListeners().get(0).setAdditionalProperty("portt", 8080);

        Gateway created = api.client().resource(gateway).create();

        assertThat(created.getSpec().getAdditionalProperties()).isEmpty();
        assertThat(created.getSpec().getListeners().get(0).getAdditionalProperties()).isEmpty();
        Gateway stored = api.client().resources(Gateway.class).inNamespace("default").withName("additional").get();
        assertThat(ApiJson.write(stored)).doesNotContain("listners").doesNotContain("portt").contains("\"port\":80");
    }

    @Test
    void anUnknownAdditionalPropertyOfADeploymentIsStoredWithoutIt() {
        Deployment deployment = new DeploymentBuilder()
                .withNewMetadata().withName("additional").withNamespace("default").endMetadata()
                .withNewSpec().withReplicas(0)
                .withNewSelector().addToMatchLabels("app", "additional").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "additional").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("example/web:1").endContainer().endSpec()
                .endTemplate().endSpec().build();
        deployment.getSpec().setAdditionalProperty("replica", 2);

        api.client().resource(deployment).create();

        Deployment stored = api.client().apps().deployments().inNamespace("default").withName("additional").get();
        assertThat(stored.getSpec().getAdditionalProperties()).isEmpty();
        assertThat(stored.getSpec().getReplicas()).isZero();
    }

    @Test
    void aValueTheCrdsSchemaRefusesIsUnprocessable() {
        GenericKubernetesResource gateway = ApiJson.read("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: typed, namespace: default}
                spec:
                  gatewayClassName: [istio]
                  listeners: [{name: http, port: 80, protocol: HTTP}]
                """, GenericKubernetesResource.class);

        assertThatThrownBy(() -> api.client().resource(gateway).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, refused -> {
                    assertThat(refused.getCode()).isEqualTo(422);
                    // as on a real API server, the CRD's CEL rules are not evaluated after such an error
                    assertThat(refused.getStatus().getMessage()).isEqualTo("Gateway.gateway.networking.k8s.io \"typed\" "
                            + "is invalid: [spec.gatewayClassName: Invalid value: \"array\": spec.gatewayClassName in body "
                            + "must be of type string: \"array\", <nil>: Invalid value: \"null\": some validation rules "
                            + "were not checked because the object was invalid; correct the existing errors to complete "
                            + "validation]");
                });
        assertThat(api.client().resources(Gateway.class).inNamespace("default").withName("typed").get()).isNull();
    }

    @Test
    void aStringNotOfItsSchemasFormatIsUnprocessable() {
        api.client().apiextensions().v1().customResourceDefinitions().resource(ApiJson.read("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: endpoints.formats.example.com}
                spec:
                  group: formats.example.com
                  scope: Namespaced
                  names: {plural: endpoints, singular: endpoint, kind: Endpoint, listKind: EndpointList}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            type: object
                            properties:
                              address: {type: string, format: ipv4}
                              since: {type: string, format: date-time}
                              label: {type: string, format: k8s-short-name}
                """, CustomResourceDefinition.class)).create();
        String endpoint = """
                apiVersion: formats.example.com/v1
                kind: Endpoint
                metadata: {name: %s, namespace: default}
                spec: {address: "%s", since: "2026-01-01T00:00:00Z", label: Not_Checked}
                """;

        api.client().resource(ApiJson.read(endpoint.formatted("valid", "10.0.0.1"), GenericKubernetesResource.class))
                .create();
        assertThatThrownBy(() -> api.client().resource(ApiJson.read(endpoint.formatted("invalid", "10.0.0.256"),
                GenericKubernetesResource.class)).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, refused -> {
                    assertThat(refused.getCode()).isEqualTo(422);
                    assertThat(refused.getStatus().getMessage()).isEqualTo("Endpoint.formats.example.com \"invalid\" "
                            + "is invalid: spec.address: Invalid value: \"10.0.0.256\": spec.address in body must be of "
                            + "type ipv4: \"10.0.0.256\"");
                });
    }
}

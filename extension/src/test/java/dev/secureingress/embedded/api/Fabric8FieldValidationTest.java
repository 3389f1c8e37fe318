package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
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
 * additional property of a model is stored without it, and a value the CRD's schema refuses is a 422.
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
                    assertThat(refused.getStatus().getMessage()).isEqualTo("Gateway.gateway.networking.k8s.io \"typed\" "
                            + "is invalid: spec.gatewayClassName: Invalid value: \"array\": spec.gatewayClassName in body "
                            + "must be of type string: \"array\"");
                });
        assertThat(api.client().resources(Gateway.class).inNamespace("default").withName("typed").get()).isNull();
    }
}

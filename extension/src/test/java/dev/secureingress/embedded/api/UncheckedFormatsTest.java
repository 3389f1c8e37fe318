package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The string formats {@code k8s-short-name}, {@code k8s-long-name} and {@code quantity} are not checked in custom
 * resources, as a 1.32 API server drops them from the schemas it validates with (the first two are checked from 1.34
 * on), while a format it does check in the same CRD still is.
 */
class UncheckedFormatsTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    private static final ResourceDefinitionContext VOLUMES = new ResourceDefinitionContext.Builder()
            .withGroup("formats132.example.com").withVersion("v1").withKind("Volume").withPlural("volumes")
            .withNamespaced(true).build();

    @Test
    void anyStringIsAcceptedForTheFormatsKubernetes132DoesNotCheck() {
        KubernetesClient client = api.client();
        createCrd(client);

        GenericKubernetesResource stored = client.genericKubernetesResources(VOLUMES).inNamespace("default")
                .resource(volume("odd", Map.of("label", "Not_A_DNS_Label.", "owner", "-UPPER..case-",
                        "size", "ten gigabytes"))).create();

        assertThat(stored.getAdditionalProperties().get("spec")).isEqualTo(Map.of("label", "Not_A_DNS_Label.",
                "owner", "-UPPER..case-", "size", "ten gigabytes"));
        assertThatThrownBy(() -> client.genericKubernetesResources(VOLUMES).inNamespace("default")
                .resource(volume("checked", Map.of("host", "under_score.example.com"))).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("spec.host: Invalid value: \"under_score.example.com\"");
    }

    private static void createCrd(KubernetesClient client) {
        client.apiextensions().v1().customResourceDefinitions().resource(client.getKubernetesSerialization()
                .unmarshal("""
                        apiVersion: apiextensions.k8s.io/v1
                        kind: CustomResourceDefinition
                        metadata:
                          name: volumes.formats132.example.com
                        spec:
                          group: formats132.example.com
                          scope: Namespaced
                          names: {plural: volumes, singular: volume, kind: Volume, listKind: VolumeList}
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
                                      label: {type: string, format: k8s-short-name}
                                      owner: {type: string, format: k8s-long-name}
                                      size: {type: string, format: quantity}
                                      host: {type: string, format: hostname}
                        """, CustomResourceDefinition.class)).create();
    }

    private static GenericKubernetesResource volume(String name, Map<String, Object> spec) {
        GenericKubernetesResource volume = new GenericKubernetesResource();
        volume.setApiVersion("formats132.example.com/v1");
        volume.setKind("Volume");
        volume.setMetadata(new ObjectMetaBuilder().withName(name).build());
        volume.setAdditionalProperty("spec", spec);
        return volume;
    }
}

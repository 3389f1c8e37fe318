package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Immutable ConfigMaps and Secrets keep their contents through the API, with kube-apiserver's messages, and the
 * root-CA publisher's update of an edited {@code kube-root-ca.crt} made immutable is refused like anyone's.
 */
class ImmutableContentsTest {

    private static final String WHEN_IMMUTABLE = "Forbidden: field is immutable when `immutable` is set";

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    @Test
    void anImmutableConfigMapKeepsItsDataAndStaysImmutableButItsLabelsMayChange() {
        KubernetesClient client = api.client();
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("frozen").endMetadata().addToData("level", "info").withImmutable(true).build()).create();

        assertThatThrownBy(() -> client.configMaps().inNamespace("default").withName("frozen")
                .edit(cm -> new ConfigMapBuilder(cm).addToData("level", "debug").build()))
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("ConfigMap \"frozen\" is invalid: data: " + WHEN_IMMUTABLE)
                .extracting(failure -> ((KubernetesClientException) failure).getCode()).isEqualTo(422);
        assertThatThrownBy(() -> client.configMaps().inNamespace("default").withName("frozen")
                .edit(cm -> new ConfigMapBuilder(cm).withImmutable(false).addToBinaryData("blob", "AAE=").build()))
                .hasMessageContaining("ConfigMap \"frozen\" is invalid: [immutable: " + WHEN_IMMUTABLE
                        + ", binaryData: " + WHEN_IMMUTABLE + "]");

        ConfigMap labelled = client.configMaps().inNamespace("default").withName("frozen")
                .edit(cm -> new ConfigMapBuilder(cm).editMetadata().addToLabels("team", "platform").endMetadata()
                        .build());

        assertThat(labelled.getMetadata().getLabels()).containsEntry("team", "platform");
        assertThat(labelled.getData()).isEqualTo(Map.of("level", "info"));
    }

    @Test
    void anImmutableSecretKeepsItsDataAlsoThroughStringDataAndNoSecretChangesItsType() {
        KubernetesClient client = api.client();
        client.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("sealed")
                .endMetadata().addToStringData("token", "first").withImmutable(true).build()).create();
        client.secrets().inNamespace("default").resource(new SecretBuilder().withNewMetadata().withName("typed")
                .endMetadata().withType("example.com/token").addToStringData("token", "first").build()).create();

        assertThatThrownBy(() -> client.secrets().inNamespace("default").withName("sealed")
                .edit(secret -> new SecretBuilder(secret).addToStringData("token", "second").build()))
                .hasMessageContaining("Secret \"sealed\" is invalid: data: " + WHEN_IMMUTABLE);
        assertThatThrownBy(() -> client.secrets().inNamespace("default").withName("typed")
                .edit(secret -> new SecretBuilder(secret).withType("Opaque").build()))
                .hasMessageContaining("Secret \"typed\" is invalid: type: Invalid value: \"Opaque\": field is immutable");

        Secret changed = client.secrets().inNamespace("default").withName("typed")
                .edit(secret -> new SecretBuilder(secret).addToStringData("token", "second").build());
        assertThat(changed.getData()).containsEntry("token", "c2Vjb25k");
    }

    @Test
    void anEditedRootCaConfigMapMadeImmutableKeepsTheEditWhileItsDescriptionComesBack() {
        KubernetesClient client = api.client();
        String namespace = "immutable-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();

        client.configMaps().inNamespace(namespace).withName(RootCaConfigMap.NAME)
                .edit(cm -> new ConfigMapBuilder(cm).withData(Map.of(RootCaConfigMap.KEY, "my own bundle"))
                        .withImmutable(true).editMetadata().removeFromAnnotations(RootCaConfigMap.DESCRIPTION_ANNOTATION)
                        .endMetadata().build());
        ConfigMap edited = client.configMaps().inNamespace(namespace).withName(RootCaConfigMap.NAME).get();
        assertThat(edited.getData()).as("the data after the publisher tried to set it back")
                .isEqualTo(Map.of(RootCaConfigMap.KEY, "my own bundle"));
        assertThat(edited.getMetadata().getAnnotations()).as("the publisher's update, refused as a whole")
                .doesNotContainKey(RootCaConfigMap.DESCRIPTION_ANNOTATION);

        String other = "immutable-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(other).endMetadata()
                .build()).create();
        client.configMaps().inNamespace(other).withName(RootCaConfigMap.NAME)
                .edit(cm -> new ConfigMapBuilder(cm).withImmutable(true).editMetadata()
                        .removeFromAnnotations(RootCaConfigMap.DESCRIPTION_ANNOTATION).endMetadata().build());
        ConfigMap described = client.configMaps().inNamespace(other).withName(RootCaConfigMap.NAME).get();
        assertThat(described.getMetadata().getAnnotations()).as("an immutable one with its certificate")
                .containsEntry(RootCaConfigMap.DESCRIPTION_ANNOTATION, RootCaConfigMap.DESCRIPTION);
        assertThat(described.getData()).containsOnlyKeys(RootCaConfigMap.KEY);
        assertThat(described.getData().get(RootCaConfigMap.KEY)).isEqualTo(api.server().caCertificatePem());
    }
}

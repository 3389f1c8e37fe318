package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An object's annotations hold at most 256 KiB (keys and values, in bytes), on create and on update, as on kube-apiserver. */
class AnnotationSizeTest {

    private static final String TOO_LONG = "metadata.annotations: Too long: may not be more than 262144 bytes";

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    @Test
    void annotationsOfExactlyTheLimitAreStoredOneByteMoreIsRefused() {
        KubernetesClient client = api.client();
        String key = "example.com/notes";
        String fits = "a".repeat(ObjectValidation.TOTAL_ANNOTATION_SIZE_LIMIT - key.length());

        ConfigMap stored = client.configMaps().inNamespace("default").resource(configMap("fits", key, fits)).create();
        assertThat(stored.getMetadata().getAnnotations().get(key)).hasSize(fits.length());

        assertThatThrownBy(() -> client.configMaps().inNamespace("default")
                .resource(configMap("one-byte-more", key, fits + "a")).create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("ConfigMap \"one-byte-more\" is invalid: " + TOO_LONG)
                .extracting(failure -> ((KubernetesClientException) failure).getCode()).isEqualTo(422);
        assertThat(client.configMaps().inNamespace("default").withName("one-byte-more").get()).isNull();
    }

    @Test
    void anUpdateThatMakesThemTooLongIsRefusedAndMultiByteCharactersCountAsTheirBytes() {
        KubernetesClient client = api.client();
        client.configMaps().inNamespace("default").resource(configMap("growing", "example.com/a", "short")).create();
        // 'é' is two bytes in UTF-8: half the limit in characters is the whole limit in bytes, plus the key
        String accents = "é".repeat(ObjectValidation.TOTAL_ANNOTATION_SIZE_LIMIT / 2);

        assertThatThrownBy(() -> client.configMaps().inNamespace("default").withName("growing")
                .edit(cm -> new ConfigMapBuilder(cm).editMetadata().addToAnnotations("example.com/a", accents)
                        .endMetadata().build()))
                .hasMessageContaining("ConfigMap \"growing\" is invalid: " + TOO_LONG);
        assertThat(client.configMaps().inNamespace("default").withName("growing").get().getMetadata()
                .getAnnotations()).containsEntry("example.com/a", "short");
    }

    private static ConfigMap configMap(String name, String key, String value) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).addToAnnotations(key, value).endMetadata()
                .build();
    }
}

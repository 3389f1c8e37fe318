package dev.secureingress.embedded.workload;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PodTemplateHashTest {

    private static PodTemplateSpec template(String image) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "a").endMetadata()
                .withNewSpec().addNewContainer().withName("a").withImage(image).endContainer().endSpec().build();
    }

    @Test
    void equalTemplatesHashEquallyAndChangesChangeTheHash() {
        assertThat(PodTemplateHash.of(template("img:1"))).isEqualTo(PodTemplateHash.of(template("img:1")))
                .isNotEqualTo(PodTemplateHash.of(template("img:2")))
                .matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}");
    }

    @Test
    void suffixesUseTheKubernetesAlphabet() {
        assertThat(PodTemplateHash.randomSuffix()).matches("[bcdfghjklmnpqrstvwxz2456789]{5}");
    }
}

package dev.secureingress.embedded.workload;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KubernetesNamesTest {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private static PodTemplateSpec template(String image) {
        return new PodTemplateSpecBuilder().withNewMetadata().addToLabels("app", "a").endMetadata()
                .withNewSpec().addNewContainer().withName("a").withImage(image).endContainer().endSpec().build();
    }

    @Test
    void equalTemplatesHashEquallyAndChangesChangeTheHash() {
        assertThat(KubernetesNames.templateHash(template("img:1"), JSON)).isEqualTo(KubernetesNames.templateHash(template("img:1"), JSON))
                .isNotEqualTo(KubernetesNames.templateHash(template("img:2"), JSON))
                .matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}");
    }

    @Test
    void stableSuffixesDependOnlyOnTheSeed() {
        assertThat(KubernetesNames.stableSuffix("uid-1/0")).isEqualTo(KubernetesNames.stableSuffix("uid-1/0"))
                .isNotEqualTo(KubernetesNames.stableSuffix("uid-1/1"))
                .matches("[bcdfghjklmnpqrstvwxz2456789]{5}");
    }

    @Test
    void suffixesUseTheKubernetesAlphabet() {
        assertThat(KubernetesNames.randomSuffix()).matches("[bcdfghjklmnpqrstvwxz2456789]{5}");
    }
}

package dev.secureingress.embedded.workload;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ContainerEnvironmentTest {

    @Test
    void resolvesLiteralsAndDownwardApiFields() {
        Container container = new ContainerBuilder().withName("app").withImage("x")
                .addNewEnv().withName("GREETING").withValue("hello").endEnv()
                .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("NAMESPACE").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("VERSION").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.labels['version']").endFieldRef().endValueFrom().endEnv()
                .addNewEnv().withName("FROM_SECRET").withNewValueFrom().withNewSecretKeyRef("k", "s", false).endValueFrom().endEnv()
                .build();
        Pod pod = new PodBuilder().withNewMetadata().withName("app-1").withNamespace("team").addToLabels("version", "v7").endMetadata()
                .withNewSpec().withContainers(container).endSpec().build();

        Map<String, String> env = ContainerEnvironment.of(pod, container, "127.244.0.9", "127.0.0.1");

        assertThat(env).containsEntry("HOSTNAME", "app-1").containsEntry("GREETING", "hello")
                .containsEntry("POD_NAME", "app-1").containsEntry("NAMESPACE", "team")
                .containsEntry("POD_IP", "127.244.0.9").containsEntry("VERSION", "v7")
                .doesNotContainKey("FROM_SECRET");
    }
}

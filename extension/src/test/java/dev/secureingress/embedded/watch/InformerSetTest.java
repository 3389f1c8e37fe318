package dev.secureingress.embedded.watch;

import dev.secureingress.embedded.api.ApiServerForClass;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InformerSetTest {

    private static final ResourceDefinitionContext NOT_SERVED = new ResourceDefinitionContext.Builder()
            .withGroup("example.com").withVersion("v1").withKind("Widget").withPlural("widgets").withNamespaced(true)
            .build();

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        client = api.inProcessClient();
    }

    @Test
    void returnsOnceEveryInformerHoldsWhatExistedBefore() {
        String name = "cm-" + UUID.randomUUID().toString().substring(0, 8);
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName(name).endMetadata().build()).create();
        AtomicReference<SharedIndexInformer<ConfigMap>> configMaps = new AtomicReference<>();
        AtomicReference<SharedIndexInformer<Namespace>> namespaces = new AtomicReference<>();

        try (InformerSet informers = InformerSet.builder("test controller")
                .watch("ConfigMaps", () -> client.configMaps().inAnyNamespace().runnableInformer(0), configMaps::set)
                .watch("Namespaces", () -> client.namespaces().runnableInformer(0), namespaces::set)
                .start(Duration.ofSeconds(30))) {
            assertThat(informers.size()).isEqualTo(2);
            assertThat(configMaps.get().getStore().getByKey("default/" + name)).isNotNull();
            assertThat(namespaces.get().getStore().getByKey("kube-system")).isNotNull();
            assertThat(configMaps.get().isRunning()).isTrue();
            assertThat(informers.informer(ConfigMap.class)).isSameAs(configMaps.get());
            assertThatThrownBy(() -> informers.informer(Secret.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("watches Secret");
        }
        assertThat(configMaps.get().isRunning()).isFalse();
        assertThat(namespaces.get().isRunning()).isFalse();
    }

    @Test
    void aResourceTheServerDoesNotServeIsSkippedWhenOptional() {
        AtomicReference<SharedIndexInformer<ConfigMap>> configMaps = new AtomicReference<>();
        try (InformerSet informers = InformerSet.builder("test controller")
                .watch("ConfigMaps", () -> client.configMaps().inAnyNamespace().runnableInformer(0), configMaps::set)
                .watchIfServed("Widgets", () -> widgets(new ArrayList<>()), synced -> { })
                .start(Duration.ofSeconds(30))) {
            assertThat(informers.size()).isEqualTo(1);
            assertThat(configMaps.get().hasSynced()).isTrue();
        }
    }

    @Test
    void aRequiredResourceThatCannotBeListedFailsNamingItAndStopsTheOthers() {
        AtomicReference<SharedIndexInformer<ConfigMap>> configMaps = new AtomicReference<>();
        List<SharedIndexInformer<GenericKubernetesResource>> attempts = new ArrayList<>();

        assertThatThrownBy(() -> InformerSet.builder("test controller")
                .watch("ConfigMaps", () -> client.configMaps().inAnyNamespace().runnableInformer(0), configMaps::set)
                .watch("Widgets", () -> widgets(attempts), synced -> { })
                .start(Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("test controller cannot watch Widgets")
                .hasMessageContaining("3 attempts");
        assertThat(attempts).hasSize(3).allSatisfy(informer -> assertThat(informer.isRunning()).isFalse());
    }

    private static SharedIndexInformer<GenericKubernetesResource> widgets(List<SharedIndexInformer<GenericKubernetesResource>> made) {
        SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(NOT_SERVED)
                .inAnyNamespace().runnableInformer(0);
        made.add(informer);
        return informer;
    }
}

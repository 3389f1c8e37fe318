package dev.secureingress.embedded.workload;

import dev.secureingress.embedded.api.EmbeddedApiServer;
import dev.secureingress.ingress.IngressApplier;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads and writes of {@link InformedObjects} while its informer's cache lags behind (a {@link FrozenCache}). */
class InformedObjectsTest {

    @AutoClose
    private static final EmbeddedApiServer api = EmbeddedApiServer.start();
    private static final KubernetesClient client = api.client();

    private String namespace;

    @BeforeEach
    void newNamespace() {
        namespace = "io-" + UUID.randomUUID().toString().substring(0, 8);
        new IngressApplier(client, namespace).createNamespace(namespace, InformedObjectsTest.class.getSimpleName());
    }

    @Test
    void anObjectItCreatedIsKnownBeforeTheCacheHasIt() {
        InformedObjects<ConfigMap> configMaps = new InformedObjects<>(client, ConfigMap.class).readFrom(new FrozenCache<>());

        ConfigMap created = configMaps.create(configMap("settings"));

        assertThat(configMaps.get(namespace, "settings")).isNotNull()
                .extracting(c -> c.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
        assertThat(configMaps.inNamespace(namespace)).extracting(c -> c.getMetadata().getName()).containsExactly("settings");
        assertThat(configMaps.inNamespace("elsewhere")).isEmpty();
    }

    @Test
    void theCachesCopyCountsOnceItHasTheVersionWritten() {
        FrozenCache<ConfigMap> cache = new FrozenCache<>();
        InformedObjects<ConfigMap> configMaps = new InformedObjects<>(client, ConfigMap.class).readFrom(cache);
        ConfigMap created = configMaps.create(configMap("settings"));

        ConfigMap delivered = client.configMaps().inNamespace(namespace).withName("settings").get();
        cache.put(delivered);
        configMaps.observed(delivered);

        assertThat(configMaps.get(namespace, "settings")).isSameAs(delivered);
        assertThat(delivered.getMetadata().getResourceVersion()).isEqualTo(created.getMetadata().getResourceVersion());
    }

    @Test
    void anObjectItDeletedIsGoneThoughTheCacheStillHasIt() {
        ConfigMap existing = client.resource(configMap("settings")).create();
        InformedObjects<ConfigMap> configMaps = new InformedObjects<>(client, ConfigMap.class)
                .readFrom(new FrozenCache<ConfigMap>().put(existing));

        configMaps.delete(existing);

        assertThat(configMaps.get(namespace, "settings")).isNull();
        assertThat(configMaps.inNamespace(namespace)).isEmpty();
        assertThat(client.configMaps().inNamespace(namespace).withName("settings").get()).isNull();
    }

    @Test
    void aWriteFromAnOutdatedCopyIsAppliedToTheLatestVersion() {
        ConfigMap cached = client.resource(configMap("settings")).create();
        InformedObjects<ConfigMap> configMaps = new InformedObjects<>(client, ConfigMap.class)
                .readFrom(new FrozenCache<ConfigMap>().put(cached));
        client.configMaps().inNamespace(namespace).withName("settings").edit(c -> {
            c.getData().put("written-by", "somebody else");
            return c;
        });

        ConfigMap written = configMaps.update(cached, c -> {
            c.getData().put("written-by-controller", "yes");
            return c;
        });

        ConfigMap stored = client.configMaps().inNamespace(namespace).withName("settings").get();
        assertThat(stored.getData()).containsEntry("written-by", "somebody else").containsEntry("written-by-controller", "yes");
        assertThat(written.getMetadata().getResourceVersion()).isEqualTo(stored.getMetadata().getResourceVersion());
    }

    @Test
    void aStatusItWroteIsWhatTheNextReadSees() {
        Pod cached = client.resource(new PodBuilder()
                .withNewMetadata().withName("app").withNamespace(namespace).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("example.com/app").endContainer().endSpec()
                .build()).create();
        InformedObjects<Pod> pods = new InformedObjects<>(client, Pod.class).readFrom(new FrozenCache<Pod>().put(cached));

        pods.updateStatus(cached, p -> {
            p.setStatus(new PodStatusBuilder().withPhase("Running").build());
            return p;
        });

        assertThat(pods.get(namespace, "app").getStatus().getPhase()).isEqualTo("Running");
        assertThat(client.pods().inNamespace(namespace).withName("app").get().getStatus().getPhase()).isEqualTo("Running");
        assertThat(cached.getStatus() == null || cached.getStatus().getPhase() == null)
                .as("the cached copy is not modified").isTrue();
    }

    @Test
    void aStatusWriteFromAnOutdatedCopyIsAppliedToTheLatestVersion() {
        Pod cached = client.resource(new PodBuilder()
                .withNewMetadata().withName("app").withNamespace(namespace).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("example.com/app").endContainer().endSpec()
                .build()).create();
        InformedObjects<Pod> pods = new InformedObjects<>(client, Pod.class).readFrom(new FrozenCache<Pod>().put(cached));
        client.pods().inNamespace(namespace).withName("app").edit(p -> {
            p.getMetadata().setLabels(Map.of("written-by", "somebody-else"));
            return p;
        });

        Pod written = pods.updateStatus(cached, p -> {
            p.setStatus(new PodStatusBuilder().withPhase("Running").build());
            return p;
        });

        Pod stored = client.pods().inNamespace(namespace).withName("app").get();
        assertThat(stored.getStatus().getPhase()).isEqualTo("Running");
        assertThat(stored.getMetadata().getLabels()).containsEntry("written-by", "somebody-else");
        assertThat(written.getMetadata().getResourceVersion()).isEqualTo(stored.getMetadata().getResourceVersion());
    }

    private ConfigMap configMap(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .addToData("key", "value").build();
    }
}

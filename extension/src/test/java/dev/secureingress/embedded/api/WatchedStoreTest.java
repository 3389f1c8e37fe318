package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Watches that end while objects are written: every write still succeeds and reaches the watches still open. */
class WatchedStoreTest {

    @Test
    void writesSucceedWhileWatchesComeAndGo() throws Exception {
        InProcessTransport transport = new InProcessTransport(
                CompletableFuture.completedFuture(new ApiRequestDispatcher(EmbeddedApiServer.versionInfo())));
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:6443")
                        .withNamespace("churn").withRequestRetryBackoffLimit(0).build())
                .withHttpClientFactory(transport).build()) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("churn").endMetadata()
                    .build()).create();
            List<String> steady = new CopyOnWriteArrayList<>();
            Watch steadyWatch = client.configMaps().watch(recording(steady));
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            int[] written = {0};
            Thread writer = new Thread(() -> {
                while (writing.get()) {
                    try {
                        client.configMaps().resource(configMap("cm-" + written[0])).create();
                        written[0]++;
                    } catch (RuntimeException failure) {
                        failures.add(failure);
                        return;
                    }
                }
            });
            writer.start();
            for (int i = 0; i < 150 && failures.isEmpty(); i++) {
                client.configMaps().watch(recording(new CopyOnWriteArrayList<>())).close();
            }
            writing.set(false);
            writer.join(TimeUnit.SECONDS.toMillis(30));

            assertThat(failures).as("writes while watches end").isEmpty();
            assertThat(written[0]).isPositive();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> steady.size() == written[0]);
            steadyWatch.close();
        } finally {
            transport.close();
        }
    }

    private static ConfigMap configMap(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().build();
    }

    private static Watcher<ConfigMap> recording(List<String> events) {
        return new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap resource) {
                events.add(action + " " + resource.getMetadata().getName());
            }

            @Override
            public void onClose(WatcherException cause) {
                // closed by the test
            }
        };
    }
}

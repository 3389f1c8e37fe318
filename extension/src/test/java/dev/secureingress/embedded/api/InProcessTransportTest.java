package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class InProcessTransportTest {

    private final InProcessTransport transport = new InProcessTransport(
            CompletableFuture.completedFuture(new ApiRequestDispatcher(EmbeddedApiServer.versionInfo())));
    private final KubernetesClient client = new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:6443").withNamespace("apps")
                    .withRequestRetryBackoffLimit(0).build())
            .withHttpClientFactory(transport)
            .build();

    @AfterEach
    void closeClient() {
        client.close();
        transport.close();
    }

    @Test
    void requestsAndWatchesReachTheDispatcher() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("apps").endMetadata().build())
                .create();
        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch ignored = client.configMaps().watch(recording(events))) {
            client.configMaps().resource(configMap("first")).create();
            client.configMaps().withName("first").edit(cm -> new ConfigMapBuilder(cm).addToData("k", "v").build());
            client.configMaps().withName("first").delete();

            await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 3);
        }
        assertThat(events).containsExactly("ADDED first", "MODIFIED first", "DELETED first");
        assertThat(client.configMaps().withName("first").get()).isNull();
    }

    @Test
    void closingAClientEndsItsWatchesOnTheServer() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("apps").endMetadata().build())
                .create();
        KubernetesClient another = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:6443").build())
                .withHttpClientFactory(transport)
                .build();
        List<String> events = new CopyOnWriteArrayList<>();
        another.configMaps().inNamespace("apps").watch(recording(events));
        client.configMaps().watch(recording(new CopyOnWriteArrayList<>()));
        assertThat(transport.openWatches()).isEqualTo(2);

        another.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> transport.openWatches() == 1);
        client.configMaps().resource(configMap("after-close")).create();
        assertThat(events).as("a closed client's watch hears nothing more").isEmpty();
    }

    /** {@link WatchedStore}: watches that end while objects are written. */
    @Test
    void writesSucceedAndReachTheOpenWatchesWhileOtherWatchesEnd() throws InterruptedException {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("apps").endMetadata().build())
                .create();
        List<String> steady = new CopyOnWriteArrayList<>();
        Watch steadyWatch = client.configMaps().watch(recording(steady));
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        Thread writer = new Thread(() -> {
            while (writing.get()) {
                try {
                    client.configMaps().resource(configMap("cm-" + written.get())).create();
                    written.incrementAndGet();
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
        assertThat(written.get()).isPositive();
        await().atMost(Duration.ofSeconds(10)).until(() -> steady.size() == written.get());
        steadyWatch.close();
    }

    @Test
    void theDispatchersErrorsReachTheClientAsTheyWould() {
        assertThatThrownBy(() -> client.configMaps().inNamespace("missing").resource(configMap("x")).create())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(failure -> assertThat(((KubernetesClientException) failure).getCode()).isEqualTo(404));
    }

    @Test
    void aClosedTransportRefusesRequests() {
        transport.close();

        assertThatThrownBy(() -> client.configMaps().list())
                .isInstanceOf(KubernetesClientException.class)
                .hasRootCauseInstanceOf(ConnectException.class)
                .rootCause().hasMessageContaining("the embedded API server is closed")
                .hasMessageContaining("/api/v1/namespaces/apps/configmaps");
    }

    private static ConfigMap configMap(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("a", "b").build();
    }

    /** Records the events of the test's own ConfigMaps, not those of the kube-root-ca.crt every namespace holds. */
    private static Watcher<ConfigMap> recording(List<String> events) {
        return new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap resource) {
                if (!RootCaConfigMap.NAME.equals(resource.getMetadata().getName())) { // every namespace holds it
                    events.add(action + " " + resource.getMetadata().getName());
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                events.add("closed " + cause);
            }
        };
    }
}

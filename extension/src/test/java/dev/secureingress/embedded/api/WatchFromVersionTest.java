package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A watch from a resource version hears of the objects deleted since then, as from a real API server's watch cache
 * (the objects stored since then come as ADDED, those of that version and before not at all), within its namespace
 * and label selector; over the network and in process alike.
 */
class WatchFromVersionTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    @Test
    void aWatchOverTheNetworkHearsOfTheDeletionsSinceItsVersion() {
        hearsOfTheDeletionsSinceItsVersion(api.client());
    }

    @Test
    void anInProcessWatchHearsOfTheDeletionsSinceItsVersion() {
        hearsOfTheDeletionsSinceItsVersion(api.inProcessClient());
    }

    private static void hearsOfTheDeletionsSinceItsVersion(KubernetesClient client) {
        String namespace = "from-version-" + UUID.randomUUID().toString().substring(0, 8);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();
        for (String[] nameAndTeam : List.of(new String[] {"gone", "x"}, new String[] {"kept", "x"},
                new String[] {"other-team", "y"})) {
            client.configMaps().inNamespace(namespace).resource(configMap(nameAndTeam[0], nameAndTeam[1])).create();
        }
        String listed = client.configMaps().inNamespace(namespace).list().getMetadata().getResourceVersion();
        client.configMaps().inNamespace(namespace).withName("gone").delete();
        client.configMaps().inNamespace(namespace).withName("other-team").delete();
        client.configMaps().inNamespace("default").resource(configMap("elsewhere", "x")).create();
        client.configMaps().inNamespace("default").withName("elsewhere").delete();
        client.configMaps().inNamespace(namespace).resource(configMap("new", "x")).create();

        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch ignored = client.configMaps().inNamespace(namespace).withLabel("team", "x")
                .watch(new ListOptionsBuilder().withResourceVersion(listed).build(), new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap configMap) {
                        events.add(action + " " + configMap.getMetadata().getName());
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        events.add("CLOSED " + cause);
                    }
                })) {
            await().atMost(Duration.ofSeconds(30)).until(() -> events.containsAll(List.of("DELETED gone", "ADDED new")));
        }

        assertThat(events).containsExactlyInAnyOrder("DELETED gone", "ADDED new");
    }

    private static ConfigMap configMap(String name, String team) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withLabels(Map.of("team", team)).endMetadata()
                .addToData("k", "v").build();
    }
}

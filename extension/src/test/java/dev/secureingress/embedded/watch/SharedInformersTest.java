package dev.secureingress.embedded.watch;

import dev.secureingress.embedded.api.ApiServerForClass;
import dev.secureingress.embedded.api.EmbeddedApiServer;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SharedInformersTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        client = api.inProcessClient();
    }

    @Test
    void aHandlerHearsWhatIsCachedAndNothingOnceTakenOff() {
        List<String> heardByRemoved = new CopyOnWriteArrayList<>();
        List<String> heardByKept = new CopyOnWriteArrayList<>();
        try (SharedInformers shared = SharedInformers.open(client);
             SharedInformers.Handlers kept = new SharedInformers.Handlers()) {
            SharedInformers.Handlers removed = new SharedInformers.Handlers();
            removed.add(shared.namespaces(), recordingAdds(heardByRemoved));
            kept.add(shared.namespaces(), recordingAdds(heardByKept));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(heardByRemoved).contains(EmbeddedApiServer.INITIAL_NAMESPACES.toArray(String[]::new)));

            removed.close();
            String name = "shared-" + UUID.randomUUID().toString().substring(0, 8);
            client.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();

            // one informer tells its handlers in turn: once the kept one has heard, the removed one would have
            await().atMost(Duration.ofSeconds(30)).until(() -> heardByKept.contains(name));
            assertThat(heardByRemoved).doesNotContain(name);
            assertThat(shared.namespaces().isRunning()).as("the informer runs on for the other handlers").isTrue();
        }
    }

    @Test
    void closingStopsEveryInformer() {
        SharedInformers shared = SharedInformers.open(client);
        assertThat(List.of(shared.services(), shared.namespaces(), shared.endpoints(), shared.endpointSlices()))
                .allSatisfy(informer -> assertThat(informer.isRunning()).isTrue());

        shared.close();

        assertThat(List.of(shared.services(), shared.namespaces(), shared.endpoints(), shared.endpointSlices()))
                .allSatisfy(informer -> assertThat(informer.isRunning()).isFalse());
    }

    private static ResourceEventHandler<Namespace> recordingAdds(List<String> names) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace namespace) {
                names.add(namespace.getMetadata().getName());
            }

            @Override
            public void onUpdate(Namespace oldNamespace, Namespace newNamespace) {
            }

            @Override
            public void onDelete(Namespace namespace, boolean deletedFinalStateUnknown) {
            }
        };
    }
}

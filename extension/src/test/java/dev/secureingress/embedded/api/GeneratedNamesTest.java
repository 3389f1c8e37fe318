package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class GeneratedNamesTest {

    private final ApiRequestDispatcher dispatcher = new ApiRequestDispatcher(EmbeddedApiServer.versionInfo());
    private final InProcessTransport transport = new InProcessTransport(CompletableFuture.completedFuture(dispatcher));
    private final KubernetesClient client = new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder(Config.empty()).withMasterUrl("https://127.0.0.1:6443").withNamespace("names")
                    .withRequestRetryBackoffLimit(0).build())
            .withHttpClientFactory(transport)
            .build();

    @AfterEach
    void closeClient() {
        client.close();
        transport.close();
    }

    @Test
    void aGeneratedNameIsThePrefixAndFiveCharactersOfTheAlphabet() {
        assertThat(GeneratedNames.fromPrefix("web-")).matches("web-[bcdfghjklmnpqrstvwxz2456789]{5}");
    }

    @Test
    void aLongPrefixIsCutSoThatTheNameHasAtMost63Characters() {
        String prefix = "a".repeat(70);

        String name = GeneratedNames.fromPrefix(prefix);

        assertThat(name).hasSize(63).startsWith("a".repeat(58))
                .matches("a{58}[bcdfghjklmnpqrstvwxz2456789]{5}");
    }

    @Test
    void aGeneratedNameThatIsTakenIsGeneratedAgain() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("names").endMetadata().build())
                .create();
        client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("web-bbbbb").endMetadata()
                .build()).create();
        Iterator<String> names = List.of("web-bbbbb", "web-bbbbb", "web-ccccc").iterator();
        dispatcher.generateNamesWith(prefix -> names.next());

        ConfigMap created = client.configMaps().resource(new ConfigMapBuilder().withNewMetadata()
                .withGenerateName("web-").endMetadata().addToData("made", "now").build()).create();

        assertThat(created.getMetadata().getName()).isEqualTo("web-ccccc");
        assertThat(client.configMaps().withName("web-ccccc").get().getData()).containsEntry("made", "now");
        assertThat(client.configMaps().withName("web-bbbbb").get().getData()).isNullOrEmpty();
    }
}

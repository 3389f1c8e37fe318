package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GeneratedNamesTest {

    private final ApiRequestDispatcher dispatcher = new ApiRequestDispatcher(EmbeddedApiServer.versionInfo());

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
        dispatcher.create("/api/v1/namespaces", new NamespaceBuilder().withNewMetadata().withName("names").endMetadata()
                .build());
        dispatcher.create("/api/v1/namespaces/names/configmaps", new ConfigMapBuilder().withNewMetadata()
                .withName("web-bbbbb").withNamespace("names").endMetadata().build());
        Iterator<String> names = List.of("web-bbbbb", "web-bbbbb", "web-ccccc").iterator();
        dispatcher.generateNamesWith(prefix -> names.next());

        MockResponse created = dispatcher.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.POST,
                "/api/v1/namespaces/names/configmaps", Headers.builder().add("Content-Type", "application/json").build(),
                new Buffer().writeUtf8("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                        + "\"metadata\":{\"generateName\":\"web-\"},\"data\":{\"made\":\"now\"}}")));

        assertThat(created.code()).isEqualTo(201);
        ConfigMap stored = ApiJson.read(ApiJson.text(
                dispatcher.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.GET,
                        "/api/v1/namespaces/names/configmaps/web-ccccc", Headers.builder().build(), null)).getBody()),
                ConfigMap.class);
        assertThat(stored.getData()).containsEntry("made", "now");
        assertThat(names).isExhausted();
    }
}

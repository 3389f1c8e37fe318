package dev.secureingress.ingress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ManifestTemplateTest {

    private static final String YAML = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: ${gateway}
              namespace: ${namespace}
            spec:
              listeners:
              - tls:
                  certificateRefs:
                  - name: ${secret:httpbin.example.com}
                annotations:
                  literal: $${not-a-placeholder}
            """;

    private final Map<String, String> values = Map.of(
            "namespace", "si-x-abcde", "gateway", "gateway-abcde", "secret:httpbin.example.com", "httpbin-cred");

    @Test
    void listsPlaceholdersWithArgumentsAndLines() {
        assertThat(ManifestTemplate.of("test.yaml", YAML).placeholders())
                .extracting(Object::toString, ManifestTemplate.Placeholder::line)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("${gateway}", 4),
                        org.assertj.core.groups.Tuple.tuple("${namespace}", 5),
                        org.assertj.core.groups.Tuple.tuple("${secret:httpbin.example.com}", 10));
    }

    @Test
    void rendersValuesAndUnescapesDoubleDollar() {
        String rendered = ManifestTemplate.of("test.yaml", YAML).render(this::lookup, "");

        assertThat(rendered)
                .contains("name: gateway-abcde", "namespace: si-x-abcde", "- name: httpbin-cred",
                        "literal: ${not-a-placeholder}")
                .doesNotContain("${gateway}", "$${");
    }

    @Test
    void unknownPlaceholderNamesItsLineAndSource() {
        ManifestTemplate template = ManifestTemplate.of("classpath:seed.yaml", "a: 1\nb: ${gatway}\n");

        assertThatIllegalArgumentException().isThrownBy(() -> template.render(this::lookup, "${namespace}, ${gateway}"))
                .withMessageContaining("unknown placeholder ${gatway} at line 2 of classpath:seed.yaml")
                .withMessageContaining("known placeholders: ${namespace}, ${gateway}");
    }

    @Test
    void textWithoutPlaceholdersIsUnchanged() {
        String seed = "metadata:\n  name: mygateway\n  namespace: istio-system\n";
        assertThat(ManifestTemplate.of("seed", seed).render(this::lookup, "")).isEqualTo(seed);
    }

    @Test
    void loadsFromClasspathAndFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, "name: ${gateway}\n");

        assertThat(ManifestTemplate.load("file:" + file, getClass().getClassLoader()).render(this::lookup, ""))
                .isEqualTo("name: gateway-abcde\n");
        assertThat(ManifestTemplate.load(file.toString(), getClass().getClassLoader()).source()).isEqualTo(file.toString());
        assertThat(ManifestTemplate.load("classpath:manifest-template/route.yaml", getClass().getClassLoader()).placeholders())
                .extracting(Object::toString).contains("${namespace}");
    }

    @Test
    void missingManifestSaysWhereItLooked() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ManifestTemplate.load("classpath:nope/missing.yaml", getClass().getClassLoader()))
                .withMessageContaining("manifest classpath:nope/missing.yaml not found")
                .withMessageContaining("src/test/resources/nope/missing.yaml");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ManifestTemplate.load("file:/nope/missing.yaml", getClass().getClassLoader()))
                .withMessageContaining("no file /nope/missing.yaml");
    }

    private String lookup(ManifestTemplate.Placeholder p) {
        return values.get(p.argument() == null ? p.name() : p.name() + ":" + p.argument());
    }
}

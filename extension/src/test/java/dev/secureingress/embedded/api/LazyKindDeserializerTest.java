package dev.secureingress.embedded.api;

import dev.secureingress.fixtures.Fixture;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Version;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LazyKindDeserializerTest {

    private static final Path UPSTREAM = Path.of(System.getProperty("secureingress.upstream.dir", "/work/shared/upstream"));

    private final KubernetesSerialization lazy = LazyKindDeserializer.serialization();
    private final KubernetesSerialization fabric8sDefault = new KubernetesSerialization();

    @Test
    void aWatchEventsObjectIsTheModelClassOfItsKind() {
        String event = """
                {"type": "ADDED", "object": {"apiVersion": "apps/v1", "kind": "Deployment",
                 "metadata": {"name": "httpbin", "namespace": "default"}, "spec": {"replicas": 2}}}
                """;

        WatchEvent read = lazy.unmarshal(event, WatchEvent.class);

        assertThat(read.getObject()).isInstanceOfSatisfying(Deployment.class,
                deployment -> assertThat(deployment.getSpec().getReplicas()).isEqualTo(2));
    }

    @Test
    void aListsItemsAreTheirModelClassesAndUnknownKindsGeneric() {
        String list = """
                {"apiVersion": "v1", "kind": "List", "items": [
                  {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}},
                  {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "b"}},
                  {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": {"name": "c"},
                   "spec": {"hosts": ["httpbin.example.com"]}}]}
                """;

        KubernetesList read = lazy.unmarshal(list, KubernetesList.class);

        assertThat(read.getItems()).extracting(Object::getClass)
                .containsExactly(ConfigMap.class, HTTPRoute.class, GenericKubernetesResource.class);
        assertThat(read.getItems()).isEqualTo(fabric8sDefault.unmarshal(list, KubernetesList.class).getItems());
    }

    @Test
    void theSameApiVersionAndKindNameNoModelClassElsewhere() {
        HasMetadata read = lazy.unmarshal("""
                {"apiVersion": "example.com/v7", "kind": "Deployment", "metadata": {"name": "not-apps"}}
                """, HasMetadata.class);

        assertThat(read).isInstanceOf(GenericKubernetesResource.class);
        assertThat(read.getApiVersion()).isEqualTo("example.com/v7");
    }

    @Test
    void multiDocumentYamlReadsAsFabric8sDefaultReadsIt() {
        String yaml = """
                apiVersion: v1
                kind: Secret
                metadata: {name: s}
                type: kubernetes.io/tls
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata: {name: mygateway}
                spec:
                  gatewayClassName: istio
                  listeners: [{name: https, port: 443, protocol: HTTPS}]
                """;

        List<HasMetadata> read = load(lazy, yaml);

        assertThat(read).extracting(Object::getClass).containsExactly(Secret.class, Gateway.class);
        assertThat(read).isEqualTo(load(fabric8sDefault, yaml));
    }

    @Test
    void theFixturesAndUpstreamManifestsReadAsWithFabric8sDefault() throws Exception {
        for (Fixture fixture : Fixture.values()) {
            assertThat(load(lazy, fixture.manifest())).as(fixture.name()).isNotEmpty()
                    .isEqualTo(load(fabric8sDefault, fixture.manifest()));
        }
        List<Path> upstream = List.of(UPSTREAM.resolve("istio-samples/httpbin.yaml"),
                UPSTREAM.resolve("istio-samples/helloworld.yaml"),
                UPSTREAM.resolve("gateway-api-conformance/base-manifests.yaml"));
        assumeTrue(upstream.stream().allMatch(Files::isRegularFile), "the upstream manifests are not at " + UPSTREAM);
        for (Path file : upstream) {
            String yaml = Files.readString(file);
            assertThat(load(lazy, yaml)).as(file.toString()).isEqualTo(load(fabric8sDefault, yaml));
        }
    }

    @Test
    void aKindRegisteredOnTheSerializationTakesPrecedence() {
        String widget = """
                {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 3}}
                """;
        assertThat(lazy.unmarshal(widget, HasMetadata.class)).isInstanceOf(GenericKubernetesResource.class);

        lazy.registerKubernetesResource(Widget.class);

        assertThat(lazy.unmarshal(widget, HasMetadata.class)).isInstanceOf(Widget.class);
    }

    @Test
    void anObjectWithoutKindReadsAsWithFabric8sDefault() {
        String kindless = """
                {"type": "MODIFIED", "object": {"metadata": {"name": "x"}, "data": {"k": "v"}}}
                """;

        Object ours = lazy.unmarshal(kindless, WatchEvent.class).getObject();

        assertThat(ours).isEqualTo(fabric8sDefault.unmarshal(kindless, WatchEvent.class).getObject());
    }

    private static List<HasMetadata> load(KubernetesSerialization serialization, String yaml) {
        Object parsed = serialization.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        List<?> objects = parsed instanceof List<?> list ? list : List.of(parsed);
        return objects.stream().map(HasMetadata.class::cast).toList();
    }

    @Group("example.com")
    @Version("v1")
    public static final class Widget extends CustomResource<java.util.Map<String, Object>, Void> implements Namespaced {
    }
}

package dev.secureingress.ingress;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

@EnableKubernetesMockClient(crud = true)
class IngressApplierTest {

    static KubernetesClient client;

    @Test
    void appliesIntoTheDefaultNamespaceAndUpdatesOnSecondApply() {
        IngressApplier applier = new IngressApplier(client, "si-apply-1");

        applier.apply(configMap("settings", "one"));
        applier.apply(configMap("settings", "two"));

        ConfigMap stored = client.configMaps().inNamespace("si-apply-1").withName("settings").get();
        assertThat(stored.getData()).containsEntry("value", "two");
        assertThat(applier.applied()).hasSize(1);
    }

    @Test
    void putsItsLabelsOnEverythingItAppliesKeepingTheObjectsOwn() {
        IngressApplier applier = new IngressApplier(client, "si-apply-6", java.util.Map.of("secure-ingress.dev/run", "r1",
                "tier", "from-applier"));
        applier.createNamespace("si-apply-6", "IngressApplierTest");
        ConfigMap own = configMap("labelled", "1");
        own.getMetadata().setLabels(java.util.Map.of("tier", "own"));
        applier.apply(own);
        applier.create(configMap("created", "1"));

        assertThat(client.namespaces().withName("si-apply-6").get().getMetadata().getLabels())
                .containsEntry("secure-ingress.dev/run", "r1")
                .containsEntry(IngressApplier.MANAGED_BY_LABEL, IngressApplier.MANAGED_BY_VALUE);
        assertThat(client.configMaps().inNamespace("si-apply-6").withName("labelled").get().getMetadata().getLabels())
                .containsEntry("secure-ingress.dev/run", "r1")
                .containsEntry("tier", "own");
        assertThat(client.configMaps().inNamespace("si-apply-6").withName("created").get().getMetadata().getLabels())
                .containsEntry("secure-ingress.dev/run", "r1");
    }

    @Test
    void createFailsWhenTheObjectExists() {
        IngressApplier applier = new IngressApplier(client, "si-apply-2");
        applier.create(configMap("once", "1"));

        assertThatIllegalStateException().isThrownBy(() -> applier.create(configMap("once", "2")))
                .withMessageContaining("cannot create ConfigMap si-apply-2/once");
    }

    @Test
    void appliesMultiDocumentYamlWithGatewayApiKindsAndDeletesAllOfItAfterwards() {
        IngressApplier applier = new IngressApplier(client, "si-apply-3");
        applier.createNamespace("si-apply-3", "IngressApplierTest");
        String yaml = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: mygateway
                spec:
                  gatewayClassName: istio
                  listeners:
                  - name: https
                    port: 443
                    protocol: HTTPS
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: httpbin
                  namespace: other-ns
                spec:
                  parentRefs:
                  - name: mygateway
                    namespace: si-apply-3
                """;

        List<HasMetadata> applied = applier.applyYaml(yaml, "inline");

        assertThat(applied).hasSize(2);
        assertThat(client.resources(Gateway.class).inNamespace("si-apply-3").withName("mygateway").get()).isNotNull();
        assertThat(client.resources(HTTPRoute.class).inNamespace("other-ns").withName("httpbin").get()).isNotNull();

        applier.deleteAll();

        assertThat(client.resources(Gateway.class).inNamespace("si-apply-3").withName("mygateway").get()).isNull();
        assertThat(client.resources(HTTPRoute.class).inNamespace("other-ns").withName("httpbin").get()).isNull();
        assertThat(client.namespaces().withName("si-apply-3").get()).isNull();
        assertThat(applier.applied()).isEmpty();
    }

    @Test
    void deleteAllIgnoresObjectsAlreadyGone() {
        IngressApplier applier = new IngressApplier(client, "si-apply-4");
        ConfigMap map = applier.apply(configMap("gone", "x"));
        client.resource(map).delete();

        applier.deleteAll();

        assertThat(applier.applied()).isEmpty();
    }

    @Test
    void invalidYamlNamesTheSource() {
        IngressApplier applier = new IngressApplier(client, "si-apply-5");

        assertThatIllegalArgumentException().isThrownBy(() -> applier.applyYaml("kind: [unclosed", "classpath:broken.yaml"))
                .withMessageContaining("manifest classpath:broken.yaml is not valid Kubernetes YAML");
    }

    private static ConfigMap configMap(String name, String value) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("value", value).build();
    }
}

package dev.secureingress.embedded.api;

import dev.secureingress.client.IngressClient;
import dev.secureingress.client.IngressResponse;
import dev.secureingress.tls.Pem;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class RootCaConfigMapTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    @Test
    void everyNamespaceOfAFreshServerHoldsTheCaOfTheServingCertificate() {
        for (String namespace : EmbeddedApiServer.INITIAL_NAMESPACES) {
            ConfigMap rootCa = api.client().configMaps().inNamespace(namespace).withName("kube-root-ca.crt").get();

            assertThat(rootCa).as("kube-root-ca.crt in %s", namespace).isNotNull();
            assertThat(rootCa.getData()).containsOnlyKeys("ca.crt");
            assertThat(rootCa.getData().get("ca.crt")).isEqualTo(api.server().caCertificatePem());
            assertThat(rootCa.getMetadata().getAnnotations()).containsKey("kubernetes.io/description");
        }
    }

    @Test
    void aClientTrustingOnlyTheConfigMapsCertificateReachesTheApiServer() {
        String pem = api.client().configMaps().inNamespace("kube-system").withName("kube-root-ca.crt").get()
                .getData().get("ca.crt");
        int port = URI.create(api.server().url()).getPort();

        try (IngressClient client = IngressClient.builder().trust(Pem.readCertificates(pem))
                .resolve("localhost", port, new InetSocketAddress("127.0.0.1", port)).build()) {
            IngressResponse version = client.get("https://localhost:" + port + "/version");

            assertThat(version.status()).isEqualTo(200);
            assertThat(version.body()).contains("\"gitVersion\"");
        }
    }

    @Test
    void aNamespaceCreatedLaterGetsItsOwn() {
        String namespace = "root-ca-" + UUID.randomUUID().toString().substring(0, 8);
        api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();

        ConfigMap rootCa = api.client().configMaps().inNamespace(namespace).withName("kube-root-ca.crt").get();
        ConfigMap inDefault = api.client().configMaps().inNamespace("default").withName("kube-root-ca.crt").get();

        assertThat(rootCa).isNotNull();
        assertThat(rootCa.getData()).isEqualTo(inDefault.getData());
        assertThat(rootCa.getMetadata().getUid()).isNotEqualTo(inDefault.getMetadata().getUid());
    }

    @Test
    void aDeletedOneIsMadeAgainWithANewUid() {
        String namespace = newNamespace();
        ConfigMap before = api.client().configMaps().inNamespace(namespace).withName("kube-root-ca.crt").get();

        api.client().configMaps().inNamespace(namespace).withName("kube-root-ca.crt").delete();

        ConfigMap after = api.client().configMaps().inNamespace(namespace).withName("kube-root-ca.crt").get();
        assertThat(after).as("kube-root-ca.crt after its deletion").isNotNull();
        assertThat(after.getMetadata().getUid()).isNotEqualTo(before.getMetadata().getUid());
        assertThat(after.getData().get("ca.crt")).isEqualTo(api.server().caCertificatePem());
    }

    @Test
    void anEditedOneGetsItsDataBackAndKeepsTheLabelsAndAnnotationsAUserAdded() {
        String namespace = newNamespace();
        String uid = rootCaIn(namespace).getMetadata().getUid();

        api.client().configMaps().inNamespace(namespace).withName("kube-root-ca.crt").edit(configMap ->
                new ConfigMapBuilder(configMap)
                        .editMetadata().addToLabels("team", "platform").addToAnnotations("owner", "me").endMetadata()
                        .withData(Map.of("ca.crt", "not a certificate", "extra", "value"))
                        .build());

        ConfigMap after = rootCaIn(namespace);
        assertThat(after.getMetadata().getUid()).as("the same ConfigMap, updated").isEqualTo(uid);
        assertThat(after.getData()).containsExactly(Map.entry("ca.crt", api.server().caCertificatePem()));
        assertThat(after.getMetadata().getLabels()).containsEntry("team", "platform");
        assertThat(after.getMetadata().getAnnotations()).containsEntry("owner", "me")
                .containsKey("kubernetes.io/description");
        assertThat(after.getMetadata().getManagedFields())
                .extracting(ManagedFieldsEntry::getManager).contains("kube-controller-manager");
    }

    @Test
    void aRemovedCaCertificateKeyOrDescriptionComesBack() {
        String namespace = newNamespace();

        api.client().configMaps().inNamespace(namespace).withName("kube-root-ca.crt")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":"
                        + "{\"kubernetes.io/description\":null}},\"data\":{\"ca.crt\":null}}");

        ConfigMap after = rootCaIn(namespace);
        assertThat(after.getData()).containsExactly(Map.entry("ca.crt", api.server().caCertificatePem()));
        assertThat(after.getMetadata().getAnnotations().get("kubernetes.io/description")).isNotBlank();
    }

    @Test
    void aDescriptionChangedAloneIsLeftAsItIs() {
        String namespace = newNamespace();

        api.client().configMaps().inNamespace(namespace).withName("kube-root-ca.crt").edit(configMap ->
                new ConfigMapBuilder(configMap).editMetadata()
                        .addToAnnotations("kubernetes.io/description", "our own words").endMetadata().build());

        assertThat(rootCaIn(namespace).getMetadata().getAnnotations())
                .containsEntry("kubernetes.io/description", "our own words");
    }

    @Test
    void deletingTheConfigMapsOfEveryNamespaceLeavesItInEach() {
        String namespace = newNamespace();

        api.client().configMaps().inAnyNamespace().delete();

        assertThat(rootCaIn(namespace)).as("kube-root-ca.crt in %s", namespace).isNotNull();
        assertThat(rootCaIn("default")).as("kube-root-ca.crt in default").isNotNull();
    }

    @Test
    void deletingEveryConfigMapOfANamespaceLeavesOnlyIt() {
        String namespace = newNamespace();
        api.client().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("settings").endMetadata().build()).create();

        api.client().configMaps().inNamespace(namespace).delete();

        assertThat(api.client().configMaps().inNamespace(namespace).list().getItems())
                .extracting(configMap -> configMap.getMetadata().getName()).containsExactly("kube-root-ca.crt");
    }

    @Test
    void itGoesWithItsNamespace() {
        String namespace = newNamespace();

        api.client().namespaces().withName(namespace).delete();

        assertThat(api.client().configMaps().inAnyNamespace().list().getItems())
                .extracting(configMap -> configMap.getMetadata().getNamespace())
                .doesNotContain(namespace);
    }

    private static ConfigMap rootCaIn(String namespace) {
        return api.client().configMaps().inNamespace(namespace).withName("kube-root-ca.crt").get();
    }

    private static String newNamespace() {
        String namespace = "root-ca-" + UUID.randomUUID().toString().substring(0, 8);
        api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();
        return namespace;
    }
}

package dev.secureingress.embedded.api;

import dev.secureingress.tls.Pem;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.node.IntNode;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A change to a CRD's spec ends the open watches of its resource on every transport (chunked HTTP as kubectl and
 * Go clients read it, WebSocket as fabric8 opens it, in process as the controllers use it), and what a client reads
 * when it watches again carries the new schema's defaults; a change of the CRD's metadata keeps them open; deleting
 * the CRD deletes its objects and ends its watches.
 */
class CustomResourceStorageTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String END = "<end of the watch>";

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    private static HttpClient http;

    @BeforeAll
    static void trustTheServer() throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("api-ca", Pem.readCertificates(api.server().caCertificatePem()).get(0));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(WAIT).build();
    }

    @Test
    void aChunkedWatchEndsWhenItsCrdGainsADefault() throws Exception {
        String group = uniqueGroup();
        CustomResourceDefinition crd = createPets(group);
        BlockingQueue<String> lines = chunkedWatch(group);

        crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec")
                .getProperties().put("legs", new JSONSchemaPropsBuilder().withType("integer")
                        .withDefault(new IntNode(4)).build());
        api.client().apiextensions().v1().customResourceDefinitions().resource(crd).update();

        assertThat(lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the watch after the CRD changed").isEqualTo(END);
        Map<String, Object> read = api.client().genericKubernetesResources(pets(group)).inNamespace("default")
                .withName("rex").get().getAdditionalProperties();
        assertThat(read.get("spec")).as("the object read after the change").isEqualTo(Map.of("species", "dog", "legs", 4));
    }

    @Test
    void aChunkedWatchStaysOpenWhenOnlyTheCrdsLabelsChange() throws Exception {
        String group = uniqueGroup();
        createPets(group);
        BlockingQueue<String> lines = chunkedWatch(group);

        api.client().apiextensions().v1().customResourceDefinitions().withName("pets." + group)
                .edit(crd -> {
                    crd.getMetadata().setLabels(Map.of("team", "zoo"));
                    return crd;
                });
        api.client().genericKubernetesResources(pets(group)).inNamespace("default").resource(pet(group, "tom", "cat"))
                .create();

        assertThat(lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the event after the CRD's label changed")
                .contains("\"ADDED\"").contains("\"tom\"");
    }

    @Test
    void aWebSocketWatchIsClosedWhenItsCrdStopsServingAVersion() throws Exception {
        String group = uniqueGroup();
        CustomResourceDefinition crd = createPets(group);
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        URI watch = URI.create(api.server().url().replace("https:", "wss:") + "/apis/" + group
                + "/v1/namespaces/default/pets?watch=true");
        WebSocket socket = http.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(watch, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                messages.add(data.toString());
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                messages.add(END);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                messages.add(END + " " + error);
            }
        }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        try {
            assertThat(messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the first event").contains("\"rex\"");

            crd.getSpec().getVersions().get(0).setServed(false);
            api.client().apiextensions().v1().customResourceDefinitions().resource(crd).update();

            assertThat(messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the watch after the CRD changed")
                    .isEqualTo(END);
        } finally {
            socket.abort();
        }
    }

    @Test
    void aFabric8WatchOverTheNetworkWatchesAgainWithTheNewDefaults() throws Exception {
        watchesAgainWithTheNewDefaults(api.client());
    }

    @Test
    void anInProcessWatchWatchesAgainWithTheNewDefaults() throws Exception {
        watchesAgainWithTheNewDefaults(api.inProcessClient());
    }

    @Test
    void anInProcessInformerHearsOfChangesWithTheNewDefaults() throws Exception {
        KubernetesClient client = api.inProcessClient();
        String group = uniqueGroup();
        CustomResourceDefinition crd = createPets(group);
        BlockingQueue<Object> updates = new LinkedBlockingQueue<>();
        SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(pets(group))
                .inNamespace("default").inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(GenericKubernetesResource pet) {
                        // the one stored already
                    }

                    @Override
                    public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource pet) {
                        updates.add(pet.getAdditionalProperties().get("spec"));
                    }

                    @Override
                    public void onDelete(GenericKubernetesResource pet, boolean unknownState) {
                        // not deleted here
                    }
                });
        try {
            informer.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            addLegsWithDefault(client, crd);

            feed(client, group);

            assertThat(updates.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the update after the CRD changed")
                    .isEqualTo(Map.of("species", "dog", "legs", 4));
        } finally {
            informer.close();
        }
    }

    @Test
    void anInformerWhoseWatchTheCrdChangeEndedHearsOfADeletionInBetween() throws Exception {
        KubernetesClient client = api.inProcessClient();
        String group = uniqueGroup();
        CustomResourceDefinition crd = createPets(group);
        BlockingQueue<String> deleted = new LinkedBlockingQueue<>();
        SharedIndexInformer<GenericKubernetesResource> informer = client.genericKubernetesResources(pets(group))
                .inNamespace("default").inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(GenericKubernetesResource pet) {
                        // the one stored already
                    }

                    @Override
                    public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource pet) {
                        // not updated here
                    }

                    @Override
                    public void onDelete(GenericKubernetesResource pet, boolean unknownState) {
                        deleted.add(pet.getMetadata().getName());
                    }
                });
        try {
            informer.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            addLegsWithDefault(client, crd);
            // deleted while the informer has no watch: it hears of it when it lists and watches again
            client.genericKubernetesResources(pets(group)).inNamespace("default").withName("rex").delete();

            assertThat(deleted.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the deletion the informer heard of")
                    .isEqualTo("rex");
            assertThat(informer.getStore().list()).isEmpty();
        } finally {
            informer.close();
        }
    }

    @Test
    void deletingTheCrdDeletesItsObjectsAndEndsItsWatches() throws Exception {
        String group = uniqueGroup();
        CustomResourceDefinition crd = createPets(group);
        BlockingQueue<String> lines = chunkedWatch(group);

        api.client().apiextensions().v1().customResourceDefinitions().withName("pets." + group).delete();

        assertThat(lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the event of the CRD's deletion")
                .contains("\"DELETED\"").contains("\"rex\"");
        assertThat(lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the watch after the CRD was deleted")
                .isEqualTo(END);
        crd.getMetadata().setResourceVersion(null);
        api.client().apiextensions().v1().customResourceDefinitions().resource(crd).create();
        assertThat(api.client().genericKubernetesResources(pets(group)).inNamespace("default").list().getItems())
                .as("the pets of the CRD created again").isEmpty();
    }

    private static void watchesAgainWithTheNewDefaults(KubernetesClient client) throws Exception {
        String group = uniqueGroup();
        CustomResourceDefinition crd = createPets(group);
        BlockingQueue<Map.Entry<String, Object>> events = new LinkedBlockingQueue<>();
        try (Watch ignored = client.genericKubernetesResources(pets(group)).inNamespace("default")
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, GenericKubernetesResource resource) {
                        events.add(Map.entry(action.name(), resource.getAdditionalProperties().get("spec")));
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        events.add(Map.entry("CLOSED", String.valueOf(cause)));
                    }
                })) {
            assertThat(events.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the watch's first event")
                    .isEqualTo(Map.entry("ADDED", Map.of("species", "dog")));
            addLegsWithDefault(client, crd);

            feed(client, group);

            // the watch opened again from the last version it saw: the change comes as MODIFIED, or as ADDED when
            // it was written before the watch opened again
            Map.Entry<String, Object> next = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(next).as("the event after the CRD changed").isNotNull();
            assertThat(next.getKey()).isIn("ADDED", "MODIFIED");
            assertThat(next.getValue()).isEqualTo(Map.of("species", "dog", "legs", 4));
        }
    }

    /**
     * Writes rex's status: the object's spec is stored as it was before the CRD changed (a status write leaves it
     * alone), so only a watch that reads it with the new schema sends its new default.
     */
    private static void feed(KubernetesClient client, String group) {
        client.genericKubernetesResources(pets(group)).inNamespace("default").withName("rex")
                .editStatus(pet -> {
                    pet.setAdditionalProperty("status", Map.of("fed", true));
                    return pet;
                });
    }

    private static void addLegsWithDefault(KubernetesClient client, CustomResourceDefinition crd) {
        crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec")
                .getProperties().put("legs", new JSONSchemaPropsBuilder().withType("integer")
                        .withDefault(new IntNode(4)).build());
        client.apiextensions().v1().customResourceDefinitions().resource(crd).update();
    }

    /** A chunked watch of the pets in default; its lines, then {@link #END} when the server ends it. */
    private static BlockingQueue<String> chunkedWatch(String group) throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(api.server().url() + "/apis/" + group
                + "/v1/namespaces/default/pets?watch=true")).header("Authorization", "Bearer embedded").build();
        HttpResponse<Stream<String>> response = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        CompletableFuture.runAsync(() -> {
            try (Stream<String> body = response.body()) {
                body.forEach(lines::add);
            } catch (RuntimeException failed) {
                lines.add("failed: " + failed);
            }
            lines.add(END);
        });
        assertThat(lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the first event").contains("\"rex\"");
        return lines;
    }

    private static String uniqueGroup() {
        return "g" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    }

    private static ResourceDefinitionContext pets(String group) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion("v1")
                .withKind("Pet").withPlural("pets").withNamespaced(true).build();
    }

    /**
     * The CRD of pets (spec.species defaults to cat, spec.legs has no default; a status subresource), as stored once
     * established, with the dog rex stored.
     */
    private static CustomResourceDefinition createPets(String group) {
        api.client().apiextensions().v1().customResourceDefinitions()
                .resource(api.client().getKubernetesSerialization().unmarshal("""
                        apiVersion: apiextensions.k8s.io/v1
                        kind: CustomResourceDefinition
                        metadata:
                          name: pets.%s
                        spec:
                          group: %s
                          scope: Namespaced
                          names: {plural: pets, singular: pet, kind: Pet, listKind: PetList}
                          versions:
                          - name: v1
                            served: true
                            storage: true
                            subresources: {status: {}}
                            schema:
                              openAPIV3Schema:
                                type: object
                                properties:
                                  spec:
                                    type: object
                                    properties:
                                      species: {type: string, default: cat}
                                  status:
                                    type: object
                                    properties:
                                      fed: {type: boolean}
                        """.formatted(group, group), CustomResourceDefinition.class)).create();
        api.client().genericKubernetesResources(pets(group)).inNamespace("default").resource(pet(group, "rex", "dog"))
                .create();
        // as read after the API server established it (a write of its status)
        return api.client().apiextensions().v1().customResourceDefinitions().withName("pets." + group).get();
    }

    private static GenericKubernetesResource pet(String group, String name, String species) {
        GenericKubernetesResource pet = new GenericKubernetesResource();
        pet.setApiVersion(group + "/v1");
        pet.setKind("Pet");
        pet.setMetadata(new ObjectMetaBuilder().withName(name).build());
        pet.setAdditionalProperty("spec", Map.of("species", species));
        return pet;
    }
}

package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.node.IntNode;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Watch events carry custom resources with their CRD schema's defaults, as GET and list do: also an object stored
 * before its CRD gained a default, over the network (WebSocket) and in process alike.
 */
class WatchDefaultsTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    @Test
    void aWatchOverTheNetworkSendsTheDefaultsACrdGainedAfterTheObjectWasStored() throws Exception {
        watchSendsTheDefaultsACrdGained(api.client(), "network.example.com");
    }

    @Test
    void anInProcessWatchSendsTheDefaultsACrdGainedAfterTheObjectWasStored() throws Exception {
        watchSendsTheDefaultsACrdGained(api.inProcessClient(), "in-process.example.com");
    }

    private static void watchSendsTheDefaultsACrdGained(KubernetesClient client, String group) throws Exception {
        client.apiextensions().v1().customResourceDefinitions().resource(petCrd(group)).create();
        // as read after the API server established it (a write of its status)
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                .withName("pets." + group).get();
        ResourceDefinitionContext pets = new ResourceDefinitionContext.Builder().withGroup(group).withVersion("v1")
                .withKind("Pet").withPlural("pets").withNamespaced(true).build();
        client.genericKubernetesResources(pets).inNamespace("default").resource(pet(group)).create();
        crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec")
                .getProperties().put("legs", new JSONSchemaPropsBuilder().withType("integer")
                        .withDefault(new IntNode(4)).build());
        client.apiextensions().v1().customResourceDefinitions().resource(crd).update();

        BlockingQueue<Map.Entry<String, Object>> events = new LinkedBlockingQueue<>();
        try (Watch ignored = client.genericKubernetesResources(pets).inNamespace("default")
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, GenericKubernetesResource resource) {
                        events.add(Map.entry(action.name(), resource.getAdditionalProperties().get("spec")));
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        // the test ends the watch
                    }
                })) {
            assertThat(events.poll(30, TimeUnit.SECONDS)).as("the watch's first event")
                    .isEqualTo(Map.entry("ADDED", Map.of("species", "dog", "legs", 4)));

            client.genericKubernetesResources(pets).inNamespace("default").withName("rex").delete();

            assertThat(events.poll(30, TimeUnit.SECONDS)).as("the event of the deletion")
                    .isEqualTo(Map.entry("DELETED", Map.of("species", "dog", "legs", 4)));
        }
    }

    /** Pets: spec.species defaults to cat, spec.legs has no default. */
    private static CustomResourceDefinition petCrd(String group) {
        return api.client().getKubernetesSerialization().unmarshal("""
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
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            type: object
                            properties:
                              species: {type: string, default: cat}
                """.formatted(group, group), CustomResourceDefinition.class);
    }

    private static GenericKubernetesResource pet(String group) {
        GenericKubernetesResource pet = new GenericKubernetesResource();
        pet.setApiVersion(group + "/v1");
        pet.setKind("Pet");
        pet.setMetadata(new ObjectMetaBuilder().withName("rex").build());
        pet.setAdditionalProperty("spec", Map.of("species", "dog"));
        return pet;
    }
}

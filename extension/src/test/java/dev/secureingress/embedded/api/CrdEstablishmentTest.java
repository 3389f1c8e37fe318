package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CustomResourceDefinitions get the status kube-apiserver's CRD controllers give them: names accepted, Established,
 * the storage versions recorded; the seeded Gateway API CRDs have it from the start.
 */
class CrdEstablishmentTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    @Test
    void theSeededGatewayApiCrdsAreEstablished() {
        CustomResourceDefinition gateways = api.client().apiextensions().v1().customResourceDefinitions()
                .withName("gateways.gateway.networking.k8s.io").get();

        assertThat(conditions(gateways)).contains("NamesAccepted=True/NoConflicts",
                "Established=True/InitialNamesAccepted");
        assertThat(gateways.getStatus().getStoredVersions()).containsExactly("v1");
        assertThat(gateways.getStatus().getAcceptedNames().getKind()).isEqualTo("Gateway");
    }

    @Test
    void aCrdAUserCreatesBecomesEstablishedAndRecordsEachStorageVersion() {
        KubernetesClient client = api.client();
        client.apiextensions().v1().customResourceDefinitions().resource(client.getKubernetesSerialization()
                .unmarshal("""
                        apiVersion: apiextensions.k8s.io/v1
                        kind: CustomResourceDefinition
                        metadata:
                          name: widgets.established.example.com
                        spec:
                          group: established.example.com
                          scope: Namespaced
                          names: {plural: widgets, kind: Widget}
                          versions:
                          - name: v1
                            served: true
                            storage: true
                            schema:
                              openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
                        """, CustomResourceDefinition.class)).create();

        CustomResourceDefinition established = client.apiextensions().v1().customResourceDefinitions()
                .withName("widgets.established.example.com")
                .waitUntilCondition(crd -> crd != null && conditions(crd).contains("Established=True/InitialNamesAccepted"),
                        30, TimeUnit.SECONDS);
        assertThat(established.getStatus().getAcceptedNames().getSingular()).isEqualTo("widget");
        assertThat(established.getStatus().getAcceptedNames().getListKind()).isEqualTo("WidgetList");
        assertThat(established.getStatus().getStoredVersions()).containsExactly("v1");
        String establishedAt = established.getStatus().getConditions().stream()
                .filter(condition -> condition.getType().equals("Established")).findFirst().orElseThrow()
                .getLastTransitionTime();

        CustomResourceDefinition updated = client.apiextensions().v1().customResourceDefinitions()
                .withName("widgets.established.example.com").edit(crd -> {
                    CustomResourceDefinitionVersion v1 = crd.getSpec().getVersions().get(0);
                    v1.setStorage(false);
                    crd.getSpec().setVersions(List.of(v1, new CustomResourceDefinitionVersionBuilder(v1)
                            .withName("v2").withStorage(true).build()));
                    return crd;
                });

        CustomResourceDefinition read = client.apiextensions().v1().customResourceDefinitions()
                .withName(updated.getMetadata().getName()).get();
        assertThat(read.getStatus().getStoredVersions()).containsExactly("v1", "v2");
        assertThat(read.getStatus().getConditions()).filteredOn(condition -> condition.getType().equals("Established"))
                .extracting(CustomResourceDefinitionCondition::getLastTransitionTime).containsExactly(establishedAt);
    }

    private static List<String> conditions(CustomResourceDefinition crd) {
        return crd.getStatus() == null || crd.getStatus().getConditions() == null ? List.of()
                : crd.getStatus().getConditions().stream()
                        .map(condition -> condition.getType() + "=" + condition.getStatus() + "/" + condition.getReason())
                        .toList();
    }
}

package dev.secureingress.cluster.k3s;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionConditionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.util.List;

/**
 * Plays the controllers of a real cluster in tests against an in-JVM API server: writes the statuses
 * kubelet, the API server, k3s' Helm controller, the Deployment controller and Istio would write.
 */
public final class ClusterStatusSimulator {

    private final KubernetesClient client;

    public ClusterStatusSimulator(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Removes the nodes the API server already holds (the embedded server's own), as on a k3s cluster whose kubelet
     * has not registered yet; {@link #nodeReady} registers them.
     */
    public ClusterStatusSimulator withoutNodes() {
        client.nodes().delete();
        return this;
    }

    /** Creates the CustomResourceDefinitions k3s ships with: its Helm controller's HelmChart and HelmChartConfig. */
    public ClusterStatusSimulator withK3sCrds() {
        for (String kind : List.of("HelmChart", "HelmChartConfig")) {
            String plural = kind.toLowerCase(java.util.Locale.ROOT) + "s";
            client.resource(new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder()
                    .withNewMetadata().withName(plural + ".helm.cattle.io").endMetadata()
                    .withNewSpec().withGroup("helm.cattle.io").withScope("Namespaced")
                    .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase(java.util.Locale.ROOT))
                    .withListKind(kind + "List").endNames()
                    .addNewVersion().withName("v1").withServed(true).withStorage(true)
                    .withNewSchema().withNewOpenAPIV3Schema().withType("object")
                    .withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
                    .withNewSubresources().withNewStatus().endStatus().endSubresources()
                    .endVersion().endSpec().build()).createOr(op -> op.update());
        }
        return this;
    }

    public void nodeReady(String name, String status) {
        NodeCondition ready = new NodeConditionBuilder().withType("Ready").withStatus(status)
                .withReason(status.equals("True") ? "KubeletReady" : "KubeletNotReady").withMessage("kubelet says so").build();
        client.resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewStatus().withConditions(ready).endStatus().build()).createOr(op -> op.update());
        client.nodes().withName(name).editStatus(node -> new NodeBuilder(node).editOrNewStatus().withConditions(ready).endStatus().build());
    }

    public void crdsEstablished(List<String> names) {
        for (String name : names) {
            CustomResourceDefinitionCondition established = new CustomResourceDefinitionConditionBuilder()
                    .withType("Established").withStatus("True").withReason("InitialNamesAccepted").build();
            client.apiextensions().v1().customResourceDefinitions().withName(name).editStatus(crd -> {
                CustomResourceDefinitionStatus status = new CustomResourceDefinitionStatus();
                status.setConditions(List.of(established));
                crd.setStatus(status);
                return crd;
            });
        }
    }

    /**
     * Marks the CRDs as an API server marks CRDs whose names another CRD already serves: names not accepted, not
     * Established.
     */
    public void crdsNotEstablished(List<String> names) {
        for (String name : names) {
            client.apiextensions().v1().customResourceDefinitions().withName(name).editStatus(crd -> {
                CustomResourceDefinitionStatus status = new CustomResourceDefinitionStatus();
                status.setConditions(List.of(new CustomResourceDefinitionConditionBuilder()
                                .withType("NamesAccepted").withStatus("False").withReason("NameConflict")
                                .withMessage("the plural name is already in use").build(),
                        new CustomResourceDefinitionConditionBuilder()
                                .withType("Established").withStatus("False").withReason("NotAccepted")
                                .withMessage("not all names are accepted").build()));
                crd.setStatus(status);
                return crd;
            });
        }
    }

    /** Marks every CRD Established whenever it is created or updated, as a real API server does. */
    public AutoCloseable establishCrdsWhenApplied() {
        SharedIndexInformer<CustomResourceDefinition> informer = client.apiextensions().v1().customResourceDefinitions()
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(CustomResourceDefinition crd) {
                        establish(crd);
                    }

                    @Override
                    public void onUpdate(CustomResourceDefinition oldCrd, CustomResourceDefinition crd) {
                        establish(crd);
                    }

                    @Override
                    public void onDelete(CustomResourceDefinition crd, boolean deletedFinalStateUnknown) {
                    }
                });
        return informer::close;
    }

    private void establish(CustomResourceDefinition crd) {
        boolean established = crd.getStatus() != null && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Established"));
        if (!established) {
            crdsEstablished(List.of(crd.getMetadata().getName()));
        }
    }

    public void jobSucceeded(String namespace, String name) {
        Job job = new JobBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("helm").withImage("rancher/klipper-helm")
                .endContainer().withRestartPolicy("OnFailure").endSpec().endTemplate().endSpec()
                .build();
        client.resource(job).createOr(op -> op.update());
        client.batch().v1().jobs().inNamespace(namespace).withName(name)
                .editStatus(j -> new JobBuilder(j).editOrNewStatus().withSucceeded(1).withActive(0).endStatus().build());
    }

    public void deploymentAvailable(String namespace, String name, String status) {
        deploymentAvailable(namespace, name, status, "docker.io/istio/pilot:1.27.0");
    }

    public void deploymentAvailable(String namespace, String name, String status, String image) {
        DeploymentCondition available = new DeploymentConditionBuilder().withType("Available").withStatus(status)
                .withReason(status.equals("True") ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable").build();
        Deployment deployment = new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName(name).withImage(image).endContainer().endSpec()
                .endTemplate().endSpec().build();
        client.resource(deployment).createOr(op -> op.update());
        client.apps().deployments().inNamespace(namespace).withName(name).editStatus(d -> new DeploymentBuilder(d)
                .editOrNewStatus().withConditions(available).withReadyReplicas(status.equals("True") ? 1 : 0).endStatus().build());
    }

    public void gatewayClassAccepted(String name) {
        Condition accepted = condition("Accepted", "True", "Accepted", null);
        client.resources(GatewayClass.class).withName(name).editStatus(gc -> new GatewayClassBuilder(gc)
                .withStatus(new GatewayClassStatusBuilder().withConditions(accepted).build()).build());
    }

    static Condition condition(String type, String status, String reason, Long generation) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage("")
                .withLastTransitionTime("2026-01-01T00:00:00Z").withObservedGeneration(generation).build();
    }
}

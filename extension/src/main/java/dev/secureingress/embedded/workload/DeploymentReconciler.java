package dev.secureingress.embedded.workload;

import dev.secureingress.embedded.api.EmbeddedApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the Deployment and ReplicaSet controllers do, in one step: a Deployment owns one ReplicaSet per pod
 * template ({@code <deployment>-<pod-template-hash>}); the current one is scaled to {@code spec.replicas}, older
 * ones to zero; each ReplicaSet owns that many pods ({@code <replicaset>-<suffix>}). Deleting a Deployment
 * deletes its ReplicaSets and pods (the garbage collector's job on a real cluster). Statuses of both are
 * computed from the pods' published status. Scaling a ReplicaSet is recorded as an event of the Deployment
 * ({@code ScalingReplicaSet}), creating and deleting pods as events of the ReplicaSet ({@code SuccessfulCreate},
 * {@code SuccessfulDelete}), with the messages of kube-controller-manager.
 */
final class DeploymentReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(DeploymentReconciler.class);
    private static final String REVISION_ANNOTATION = "deployment.kubernetes.io/revision";

    private final InformedObjects<Deployment> deployments;
    private final InformedObjects<ReplicaSet> replicaSets;
    private final InformedObjects<Pod> pods;
    private final PodRuntime runtime;
    private final EventRecorder events;

    DeploymentReconciler(InformedObjects<Deployment> deployments, InformedObjects<ReplicaSet> replicaSets,
                         InformedObjects<Pod> pods, PodRuntime runtime, EventRecorder events) {
        this.deployments = deployments;
        this.replicaSets = replicaSets;
        this.pods = pods;
        this.runtime = runtime;
        this.events = events;
    }

    void reconcile(String namespace, String name) {
        Deployment deployment = deployments.get(namespace, name);
        List<ReplicaSet> inNamespace = replicaSets.inNamespace(namespace);
        if (deployment == null || deployment.getMetadata().getDeletionTimestamp() != null) {
            deleteOwnedBy(name, null, inNamespace, pods.inNamespace(namespace));
            return;
        }
        String uid = deployment.getMetadata().getUid();
        // an earlier Deployment of this name, deleted and made again before this controller saw it gone, leaves
        // ReplicaSets (and their names) behind: they go, as the garbage collector takes what an owner left
        deleteOwnedBy(name, uid, inNamespace, pods.inNamespace(namespace));
        List<ReplicaSet> owned = new ArrayList<>(inNamespace.stream().filter(rs -> ownedBy(rs, uid)).toList());
        String currentName = name + "-" + KubernetesNames.templateHash(deployment.getSpec().getTemplate(), deployments.serialization());
        int desired = Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1);

        long latestRevision = owned.stream().mapToLong(DeploymentReconciler::revision).max().orElse(0);
        Optional<ReplicaSet> current = owned.stream().filter(rs -> rs.getMetadata().getName().equals(currentName))
                .findFirst();
        if (current.isEmpty()) {
            owned.add(replicaSets.create(newReplicaSet(deployment, currentName, desired, latestRevision + 1)));
            LOG.debug("Created ReplicaSet {}/{}", namespace, currentName);
            if (desired > 0) {
                recordScaling(deployment, currentName, 0, desired);
            }
        } else if (revision(current.get()) < latestRevision) {
            // back to an earlier template (kubectl rollout undo): its ReplicaSet becomes the latest revision
            ReplicaSet revised = replicaSets.update(current.get(), stored -> withRevision(stored, latestRevision + 1));
            if (revised != null) {
                owned.set(owned.indexOf(current.get()), revised);
            }
        }
        long currentRevision = owned.stream().filter(rs -> rs.getMetadata().getName().equals(currentName))
                .mapToLong(DeploymentReconciler::revision).findFirst().orElse(0);
        if (currentRevision > 0 && revision(deployment) != currentRevision) {
            // the Deployment carries its ReplicaSet's revision (kubectl rollout undo replaces its annotations)
            deployment = deployments.update(deployment, stored -> withRevision(stored, currentRevision));
            if (deployment == null) {
                return; // written meanwhile: the write brings it back
            }
        }
        boolean createdPods = false;
        for (int i = 0; i < owned.size(); i++) {
            ReplicaSet rs = owned.get(i);
            int wanted = rs.getMetadata().getName().equals(currentName) ? desired : 0;
            int before = Optional.ofNullable(rs.getSpec().getReplicas()).orElse(1);
            if (!Objects.equals(rs.getSpec().getReplicas(), wanted)) {
                rs = replicaSets.update(rs, stored -> {
                    stored.getSpec().setReplicas(wanted);
                    return stored;
                });
                if (rs == null) {
                    continue;
                }
                owned.set(i, rs);
                recordScaling(deployment, rs.getMetadata().getName(), before, wanted);
            }
            createdPods |= scalePods(rs, pods.inNamespace(namespace));
        }
        if (createdPods) {
            // each new pod's first reconcile brings this Deployment back, with the pod running: statuses then
            return;
        }

        List<Pod> podsNow = pods.inNamespace(namespace);
        int total = 0;
        int updated = 0;
        int ready = 0;
        List<Runnable> replicaSetStatuses = new ArrayList<>();
        for (ReplicaSet rs : owned) {
            List<Pod> rsPods = activePodsOf(rs, podsNow);
            int rsReady = (int) rsPods.stream().filter(DeploymentReconciler::isReady).count();
            total += rsPods.size();
            ready += rsReady;
            if (rs.getMetadata().getName().equals(currentName)) {
                updated = rsPods.size();
            }
            replicaSetStatuses.add(() -> writeReplicaSetStatus(rs, rsPods.size(), rsReady));
        }
        // the Deployment's status first: it is what users wait for
        writeDeploymentStatus(deployment, currentName, desired, total, updated, ready);
        replicaSetStatuses.forEach(Runnable::run);
    }

    /** Creates or deletes pods of the ReplicaSet to match its replicas; true when it created any. */
    private boolean scalePods(ReplicaSet rs, List<Pod> podsInNamespace) {
        List<Pod> active = activePodsOf(rs, podsInNamespace);
        int wanted = Optional.ofNullable(rs.getSpec().getReplicas()).orElse(1);
        for (int i = active.size(); i < wanted; i++) {
            Pod pod;
            try {
                pod = pods.create(newPod(rs));
            } catch (KubernetesClientException refused) {
                // as the replicaset controller does: a Warning on the ReplicaSet (repeats are counted), then
                // another try with back-off
                String reason = refused.getStatus() != null ? refused.getStatus().getMessage() : refused.getMessage();
                events.warning(EventSource.REPLICASET_CONTROLLER, rs, null, "FailedCreate", "Error creating: " + reason);
                throw refused;
            }
            LOG.debug("Created pod {}/{}", pod.getMetadata().getNamespace(), pod.getMetadata().getName());
            events.normal(EventSource.REPLICASET_CONTROLLER, rs, null, "SuccessfulCreate",
                    "Created pod: " + pod.getMetadata().getName());
        }
        if (active.size() > wanted) {
            List<Pod> surplus = new ArrayList<>(active);
            surplus.sort(Comparator.comparing(DeploymentReconciler::isReady)
                    .thenComparing(p -> p.getMetadata().getCreationTimestamp(), Comparator.nullsFirst(Comparator.reverseOrder())));
            for (Pod pod : surplus.subList(0, active.size() - wanted)) {
                deletePod(pod);
                events.normal(EventSource.REPLICASET_CONTROLLER, rs, null, "SuccessfulDelete",
                        "Deleted pod: " + pod.getMetadata().getName());
            }
        }
        return active.size() < wanted;
    }

    /** Deletes the ReplicaSets (and their pods) of the Deployments named {@code deploymentName} but {@code keptUid}. */
    private void deleteOwnedBy(String deploymentName, String keptUid, List<ReplicaSet> inNamespace,
            List<Pod> podsInNamespace) {
        for (ReplicaSet rs : inNamespace) {
            OwnerReference owner = controllerOf(rs);
            if (owner == null || !"Deployment".equals(owner.getKind()) || !owner.getName().equals(deploymentName)
                    || owner.getUid() != null && owner.getUid().equals(keptUid)) {
                continue;
            }
            activePodsOf(rs, podsInNamespace).forEach(this::deletePod);
            replicaSets.delete(rs);
            LOG.debug("Deleted ReplicaSet {}/{} of deleted Deployment {}", rs.getMetadata().getNamespace(),
                    rs.getMetadata().getName(), deploymentName);
        }
    }

    /** What the deployment controller records when it changes a ReplicaSet's replicas. */
    private void recordScaling(Deployment deployment, String replicaSet, int from, int to) {
        if (from == to) {
            return;
        }
        events.normal(EventSource.DEPLOYMENT_CONTROLLER, deployment, null, "ScalingReplicaSet",
                "Scaled " + (to > from ? "up" : "down") + " replica set " + replicaSet + " from " + from + " to " + to);
    }

    private void deletePod(Pod pod) {
        runtime.retire(pod);
        pods.delete(pod);
    }

    /**
     * The revision of a Deployment or ReplicaSet ({@value #REVISION_ANNOTATION}, as kubectl rollout history reads
     * it), 0 for none.
     */
    private static long revision(HasMetadata object) {
        String revision = Optional.ofNullable(object.getMetadata().getAnnotations())
                .map(annotations -> annotations.get(REVISION_ANNOTATION)).orElse("0");
        try {
            return Long.parseLong(revision);
        } catch (NumberFormatException notARevision) {
            return 0;
        }
    }

    private static <T extends HasMetadata> T withRevision(T object, long revision) {
        Map<String, String> annotations = new HashMap<>(
                Optional.ofNullable(object.getMetadata().getAnnotations()).orElse(Map.of()));
        annotations.put(REVISION_ANNOTATION, Long.toString(revision));
        object.getMetadata().setAnnotations(annotations);
        return object;
    }

    private static ReplicaSet newReplicaSet(Deployment deployment, String name, int replicas, long revision) {
        String hash = name.substring(deployment.getMetadata().getName().length() + 1);
        PodTemplateSpec template = new PodTemplateSpecBuilder(deployment.getSpec().getTemplate())
                .editOrNewMetadata().addToLabels(KubernetesNames.POD_TEMPLATE_HASH_LABEL, hash).endMetadata()
                .build();
        Map<String, String> labels = new HashMap<>(Optional.ofNullable(template.getMetadata().getLabels()).orElse(Map.of()));
        return new ReplicaSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(deployment.getMetadata().getNamespace())
                .withLabels(labels)
                .addToAnnotations("deployment.kubernetes.io/desired-replicas", Integer.toString(replicas))
                .addToAnnotations(REVISION_ANNOTATION, Long.toString(revision))
                .withOwnerReferences(controllerReference(deployment))
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .withMatchLabels(withHash(deployment.getSpec().getSelector().getMatchLabels(), hash))
                .withMatchExpressions(deployment.getSpec().getSelector().getMatchExpressions())
                .endSelector()
                .withTemplate(template)
                .endSpec()
                .build();
    }

    private static Map<String, String> withHash(Map<String, String> labels, String hash) {
        Map<String, String> copy = new HashMap<>(labels == null ? Map.of() : labels);
        copy.put(KubernetesNames.POD_TEMPLATE_HASH_LABEL, hash);
        return copy;
    }

    private Pod newPod(ReplicaSet rs) {
        PodTemplateSpec template = rs.getSpec().getTemplate();
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName(rs.getMetadata().getName() + "-" + KubernetesNames.randomSuffix())
                .withNamespace(rs.getMetadata().getNamespace())
                .withLabels(template.getMetadata().getLabels())
                .withAnnotations(template.getMetadata().getAnnotations())
                .withOwnerReferences(controllerReference(rs))
                .endMetadata()
                .withSpec(pods.serialization().clone(template.getSpec()))
                .build();
        if (pod.getSpec().getNodeName() == null) {
            pod.getSpec().setNodeName(EmbeddedApiServer.NODE_NAME);
        }
        return pod;
    }

    private void writeReplicaSetStatus(ReplicaSet rs, int replicas, int ready) {
        ReplicaSetStatus status = new ReplicaSetStatusBuilder()
                .withReplicas(replicas)
                .withFullyLabeledReplicas(replicas)
                .withReadyReplicas(ready)
                .withAvailableReplicas(ready)
                .withObservedGeneration(rs.getMetadata().getGeneration())
                .build();
        ReplicaSetStatus old = rs.getStatus();
        if (old != null && Objects.equals(old.getReplicas(), replicas) && Objects.equals(old.getReadyReplicas(), ready)
                && Objects.equals(old.getObservedGeneration(), rs.getMetadata().getGeneration())) {
            return;
        }
        replicaSets.updateStatus(rs, stored -> {
            stored.setStatus(status);
            return stored;
        });
    }

    private void writeDeploymentStatus(Deployment deployment, String currentReplicaSet, int desired, int total,
                                       int updated, int ready) {
        int maxUnavailable = maxUnavailable(deployment, desired);
        boolean available = ready >= desired - maxUnavailable;
        boolean complete = updated == desired && total == desired && ready == desired;
        DeploymentStatus old = deployment.getStatus();
        List<DeploymentCondition> conditions = List.of(
                condition(old, "Available", available,
                        available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                        available ? "Deployment has minimum availability." : "Deployment does not have minimum availability."),
                condition(old, "Progressing", true,
                        complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                        complete ? "ReplicaSet \"" + currentReplicaSet + "\" has successfully progressed."
                                : "ReplicaSet \"" + currentReplicaSet + "\" is progressing."));
        DeploymentStatus status = new DeploymentStatusBuilder()
                .withObservedGeneration(deployment.getMetadata().getGeneration())
                .withReplicas(total)
                .withUpdatedReplicas(updated)
                .withReadyReplicas(ready)
                .withAvailableReplicas(ready)
                .withUnavailableReplicas(Math.max(0, desired - ready))
                .withConditions(conditions)
                .build();
        if (fingerprint(status).equals(fingerprint(old))) {
            return;
        }
        deployments.updateStatus(deployment, stored -> {
            stored.setStatus(status);
            return stored;
        });
        LOG.debug("Deployment {}/{}: {}/{} ready", deployment.getMetadata().getNamespace(),
                deployment.getMetadata().getName(), ready, desired);
    }

    /** {@code spec.strategy.rollingUpdate.maxUnavailable} (default 25%, rounded down); 0 for Recreate. */
    private static int maxUnavailable(Deployment deployment, int desired) {
        var strategy = deployment.getSpec().getStrategy();
        if (strategy != null && "Recreate".equals(strategy.getType())) {
            return 0;
        }
        var value = strategy == null || strategy.getRollingUpdate() == null ? null : strategy.getRollingUpdate().getMaxUnavailable();
        if (value == null) {
            return desired / 4;
        }
        if (value.getIntVal() != null) {
            return Math.min(desired, value.getIntVal());
        }
        String percent = value.getStrVal().replace("%", "").trim();
        try {
            return Math.min(desired, desired * Integer.parseInt(percent) / 100);
        } catch (NumberFormatException e) {
            return desired / 4;
        }
    }

    private static DeploymentCondition condition(DeploymentStatus old, String type, boolean status, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String statusText = status ? "True" : "False";
        DeploymentCondition previous = old == null || old.getConditions() == null ? null
                : old.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        boolean unchanged = previous != null && statusText.equals(previous.getStatus()) && reason.equals(previous.getReason());
        return new DeploymentConditionBuilder()
                .withType(type)
                .withStatus(statusText)
                .withReason(reason)
                .withMessage(message)
                .withLastUpdateTime(unchanged ? previous.getLastUpdateTime() : now)
                .withLastTransitionTime(previous != null && statusText.equals(previous.getStatus())
                        ? previous.getLastTransitionTime() : now)
                .build();
    }

    private static String fingerprint(DeploymentStatus status) {
        if (status == null) {
            return "";
        }
        String conditions = status.getConditions() == null ? "" : status.getConditions().stream()
                .map(c -> c.getType() + "=" + c.getStatus() + ":" + c.getReason()).sorted().collect(Collectors.joining(","));
        return status.getObservedGeneration() + "|" + status.getReplicas() + "|" + status.getUpdatedReplicas() + "|"
                + status.getReadyReplicas() + "|" + status.getAvailableReplicas() + "|" + conditions;
    }

    private List<Pod> activePodsOf(ReplicaSet rs, List<Pod> pods) {
        String uid = rs.getMetadata().getUid();
        return pods.stream().filter(p -> ownedBy(p, uid) && p.getMetadata().getDeletionTimestamp() == null
                && !runtime.isRetired(p)).toList();
    }

    static boolean isReady(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition condition : pod.getStatus().getConditions()) {
            if ("Ready".equals(condition.getType())) {
                return "True".equals(condition.getStatus());
            }
        }
        return false;
    }

    private static boolean ownedBy(HasMetadata object, String ownerUid) {
        OwnerReference owner = controllerOf(object);
        return owner != null && ownerUid != null && ownerUid.equals(owner.getUid());
    }

    private static OwnerReference controllerOf(HasMetadata object) {
        List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
        if (owners == null) {
            return null;
        }
        return owners.stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst()
                .orElse(owners.isEmpty() ? null : owners.get(0));
    }

    private static OwnerReference controllerReference(HasMetadata owner) {
        return new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }
}

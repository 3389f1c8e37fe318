package dev.secureingress.embedded.workload;

import dev.secureingress.embedded.watch.InformerSet;
import dev.secureingress.embedded.workload.ReconcileQueue.Kind;
import dev.secureingress.fixtures.StandIns;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Makes workloads applied to an embedded API server run: Deployments (through ReplicaSets) and bare Pods
 * whose images have a stand-in in {@link StandIns} run in this JVM, Services get Endpoints and
 * EndpointSlices, and Pod, ReplicaSet and Deployment status follow what actually runs.
 *
 * <pre>{@code
 * try (WorkloadController workloads = WorkloadController.start(api.client(), StandIns.withDefaults())) {
 *     client.load(httpbinYaml).inNamespace("default").create();   // -> pod Running/Ready, Deployment Available
 * }
 * }</pre>
 *
 * <p>Everything is event-driven (fabric8 informers, no polling): a change is reconciled as soon as its watch
 * event arrives, on one reconcile thread. Pods get their own loopback address on Linux (see
 * {@link PodAddressing}). A pod whose image has no stand-in stays Pending and not ready; its container waits
 * with reason {@value PodRuntime#NO_STAND_IN} and a message saying how to register one, also recorded as a
 * Warning event (shown by {@code kubectl describe pod}). A deleted pod of a Deployment is replaced; a deleted
 * Deployment's pods are stopped and their ports freed.
 */
public final class WorkloadController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadController.class);
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);

    private final KubernetesClient client;
    private final PodAddressing addressing;
    private final PodRuntime runtime;
    private final DeploymentReconciler deployments;
    private final ServiceEndpointsReconciler endpoints;
    private final EventRecorder events;
    private final ReconcileQueue queue;
    private InformerSet informers;
    private SharedIndexInformer<Pod> podInformer;
    private SharedIndexInformer<Service> serviceInformer;
    private volatile boolean started;
    private volatile boolean closed;

    private WorkloadController(Builder builder) {
        this.client = builder.client;
        this.addressing = builder.addressing;
        this.runtime = new PodRuntime(builder.standIns, addressing);
        this.deployments = new DeploymentReconciler(client, runtime);
        this.endpoints = new ServiceEndpointsReconciler(client, runtime);
        this.events = new EventRecorder(client);
        this.queue = new ReconcileQueue("workload-controller", this::reconcile);
    }

    /** A builder for a controller working through {@code client} (owned by the caller; not closed here). */
    public static Builder builder(KubernetesClient client) {
        return new Builder(client);
    }

    /** Builds and {@linkplain #start() starts} a controller with the given stand-ins and this machine's addressing. */
    public static WorkloadController start(KubernetesClient client, StandIns standIns) {
        return builder(client).standIns(standIns).build().start();
    }

    /** Configuration of a {@link WorkloadController}. */
    public static final class Builder {
        private final KubernetesClient client;
        private StandIns standIns = StandIns.withDefaults();
        private PodAddressing addressing = PodAddressing.forThisMachine();

        private Builder(KubernetesClient client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /** The images that can run; {@link StandIns#withDefaults()} unless set. */
        public Builder standIns(StandIns standIns) {
            this.standIns = Objects.requireNonNull(standIns, "standIns");
            return this;
        }

        /** Where pods listen; {@link PodAddressing#forThisMachine()} unless set. */
        public Builder podAddressing(PodAddressing addressing) {
            this.addressing = Objects.requireNonNull(addressing, "addressing");
            return this;
        }

        public WorkloadController build() {
            return new WorkloadController(this);
        }
    }

    /**
     * Starts watching Deployments, Pods, Services and Namespaces; returns once the informers hold the
     * current state (bounded: 60 s). Reconciling then runs in the background.
     *
     * @throws IllegalStateException when the informers cannot sync, naming the API server's error
     */
    public synchronized WorkloadController start() {
        if (started) {
            return this;
        }
        started = true;
        long begin = System.nanoTime();
        try {
            informers = InformerSet.builder("Workload controller")
                    .watch("Deployments", () -> client.apps().deployments().inAnyNamespace().runnableInformer(0)
                            .addEventHandler(handler((ns, name) -> queue.enqueue(Kind.DEPLOYMENT, ns, name), null)))
                    .watch("Pods", () -> podInformer = client.pods().inAnyNamespace().runnableInformer(0)
                            .addEventHandler(handler((ns, name) -> queue.enqueue(Kind.POD, ns, name), this::onPodDeleted)))
                    .watch("Services", () -> serviceInformer = client.services().inAnyNamespace().runnableInformer(0)
                            .addEventHandler(handler((ns, name) -> queue.enqueue(Kind.SERVICE, ns, name), null)))
                    .watch("Namespaces", () -> client.namespaces().runnableInformer(0)
                            .addEventHandler(handler((ns, name) -> { }, (Namespace deleted) -> queue.enqueue(Kind.NAMESPACE,
                                    deleted.getMetadata().getName(), deleted.getMetadata().getName()))))
                    .start(SYNC_TIMEOUT);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("Workload controller watching (pods on {}), synced in {} ms", addressing,
                (System.nanoTime() - begin) / 1_000_000);
        return this;
    }

    /** How pods get their addresses in this controller. */
    public PodAddressing podAddressing() {
        return addressing;
    }

    /** Stops watching, stops every pod's stand-ins and frees their addresses and ports. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (informers != null) {
            informers.close();
        }
        queue.close();
        runtime.close();
    }

    private <T extends HasMetadata> ResourceEventHandler<T> handler(BiConsumer<String, String> enqueue,
                                                                      Consumer<T> onDelete) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                enqueue.accept(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                enqueue.accept(newObj.getMetadata().getNamespace(), newObj.getMetadata().getName());
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                enqueue.accept(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
                if (onDelete != null) {
                    onDelete.accept(obj);
                }
            }
        };
    }

    private void onPodDeleted(Pod pod) {
        deploymentNameOf(pod).ifPresent(d -> queue.enqueue(Kind.DEPLOYMENT, pod.getMetadata().getNamespace(), d));
    }

    private void reconcile(ReconcileQueue.Key key) {
        if (closed) {
            return;
        }
        switch (key.kind()) {
            case DEPLOYMENT -> deployments.reconcile(key.namespace(), key.name());
            case POD -> reconcilePod(key.namespace(), key.name());
            case SERVICE -> endpoints.reconcile(key.namespace(), key.name(), podsIn(key.namespace()));
            case NAMESPACE -> deleteContentOfDeletedNamespace(key.namespace());
        }
    }

    private void reconcilePod(String namespace, String name) {
        Pod pod = podInformer.getStore().getByKey(namespace + "/" + name);
        if (pod == null || pod.getMetadata().getDeletionTimestamp() != null || runtime.isRetired(pod)) {
            runtime.stop(namespace, name);
            enqueueServices(namespace);
            return;
        }
        boolean wasRunning = runtime.running(namespace, name).filter(r -> r.uid().equals(pod.getMetadata().getUid())).isPresent();
        PodRuntime.RunningPod running = runtime.ensureRunning(pod);
        if (!wasRunning) {
            running.problems().forEach((container, problem) -> events.warning(pod,
                    "spec.containers{" + container + "}", "Failed", problem.message()));
            LOG.debug("Pod {}/{} started on {} (ready: {})", namespace, name, running.podIp(), running.ready());
        }
        PodStatus desired = PodStatuses.of(pod, running);
        if (!PodStatuses.fingerprint(desired).equals(PodStatuses.fingerprint(pod.getStatus()))) {
            Pod withStatus = new PodBuilder(pod).withStatus(desired).build();
            withStatus.getMetadata().setResourceVersion(null);
            client.pods().inNamespace(namespace).resource(withStatus).updateStatus();
        }
        deploymentNameOf(pod).ifPresent(d -> queue.enqueue(Kind.DEPLOYMENT, namespace, d));
        enqueueServices(namespace);
    }

    /**
     * What the namespace controller does when a namespace is deleted: deletes the workloads in it, so that
     * their stand-ins stop and their ports are freed.
     */
    private void deleteContentOfDeletedNamespace(String namespace) {
        if (client.namespaces().withName(namespace).get() != null) {
            return;
        }
        for (Pod pod : podsIn(namespace)) {
            runtime.retire(pod);
        }
        deleteEach(client.apps().deployments().inNamespace(namespace).list().getItems());
        deleteEach(client.apps().replicaSets().inNamespace(namespace).list().getItems());
        deleteEach(client.pods().inNamespace(namespace).list().getItems());
        deleteEach(client.services().inNamespace(namespace).list().getItems());
        deleteEach(client.endpoints().inNamespace(namespace).list().getItems());
        deleteEach(client.discovery().v1().endpointSlices().inNamespace(namespace).list().getItems());
        LOG.debug("Deleted the workloads of deleted namespace {}", namespace);
    }

    private void deleteEach(List<? extends HasMetadata> objects) {
        for (HasMetadata object : objects) {
            client.resource(object).delete();
        }
    }

    private void enqueueServices(String namespace) {
        for (Service service : serviceInformer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace)) {
            queue.enqueue(Kind.SERVICE, namespace, service.getMetadata().getName());
        }
    }

    private List<Pod> podsIn(String namespace) {
        return podInformer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
    }

    /**
     * The Deployment of a pod created by a ReplicaSet named {@code <deployment>-<pod-template-hash>} (the
     * label on the pod), without asking the API server.
     */
    private static Optional<String> deploymentNameOf(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        String hash = labels == null ? null : labels.get(KubernetesNames.POD_TEMPLATE_HASH_LABEL);
        if (hash == null || pod.getMetadata().getOwnerReferences() == null) {
            return Optional.empty();
        }
        return pod.getMetadata().getOwnerReferences().stream()
                .filter(o -> "ReplicaSet".equals(o.getKind()) && o.getName().endsWith("-" + hash))
                .map(o -> o.getName().substring(0, o.getName().length() - hash.length() - 1))
                .findFirst();
    }
}

package dev.secureingress.embedded.workload;

import dev.secureingress.embedded.watch.InformerSet;
import dev.secureingress.embedded.watch.SharedInformers;
import dev.secureingress.embedded.workload.ReconcileQueue.Kind;
import dev.secureingress.fixtures.StandIns;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
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
 * <p>Everything is event-driven (fabric8 informers, no polling; Services, Endpoints, EndpointSlices and Namespaces
 * through {@link SharedInformers}, which the gateway controller reads too): a change is reconciled as soon as its watch
 * event arrives, workloads on one reconcile thread and Services' endpoints on another. Reconciles read the
 * informers' caches and write only what changed; their own writes count before the informers deliver them
 * (see {@link InformedObjects}), so a stale cache never makes a second ReplicaSet or extra pods. Pods get their own loopback address on Linux (see
 * {@link PodAddressing}). A pod whose image has no stand-in stays Pending and not ready; its container waits
 * with reason {@value PodRuntime#NO_STAND_IN} and a message saying how to register one, also recorded as a
 * Warning event. Deployments, ReplicaSets and pods get the events of a real cluster's controllers, scheduler and
 * kubelet (shown by {@code kubectl describe}; see {@link EventRecorder}). A deleted pod of a Deployment is replaced; a deleted
 * Deployment's pods are stopped and their ports freed.
 */
public final class WorkloadController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadController.class);
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);

    private final KubernetesClient client;
    private final PodAddressing addressing;
    private final PodRuntime runtime;
    private final InformedObjects<Deployment> deploymentObjects;
    private final InformedObjects<ReplicaSet> replicaSetObjects;
    private final InformedObjects<Pod> podObjects;
    private final InformedObjects<Service> serviceObjects;
    private final InformedObjects<Endpoints> endpointsObjects;
    private final InformedObjects<EndpointSlice> endpointSliceObjects;
    private final DeploymentReconciler deployments;
    private final ServiceEndpointsReconciler endpoints;
    private final EventRecorder events;
    private final PodEvents podEvents;
    /** Deployments, pods and namespaces. */
    private final ReconcileQueue queue;
    /** Services' Endpoints and EndpointSlices, beside the workloads as the endpoints controllers run beside the kubelet. */
    private final ReconcileQueue endpointsQueue;
    /** The shared informers given to the builder; null when the controller opens its own. */
    private final SharedInformers givenSharedInformers;
    /** The shared informers this controller opened itself, closed with it. */
    private SharedInformers ownSharedInformers;
    /** This controller's event handlers on the shared informers. */
    private final SharedInformers.Handlers sharedHandlers = new SharedInformers.Handlers();
    private InformerSet informers;
    private volatile boolean started;
    private volatile boolean closed;

    private WorkloadController(Builder builder) {
        this.client = builder.client;
        this.addressing = builder.addressing;
        this.givenSharedInformers = builder.sharedInformers;
        this.runtime = new PodRuntime(builder.standIns, addressing);
        this.deploymentObjects = new InformedObjects<>(client, Deployment.class);
        this.replicaSetObjects = new InformedObjects<>(client, ReplicaSet.class);
        this.podObjects = new InformedObjects<>(client, Pod.class);
        this.serviceObjects = new InformedObjects<>(client, Service.class);
        this.endpointsObjects = new InformedObjects<>(client, Endpoints.class);
        this.endpointSliceObjects = new InformedObjects<>(client, EndpointSlice.class);
        this.events = new EventRecorder(client);
        this.podEvents = new PodEvents(events);
        this.deployments = new DeploymentReconciler(deploymentObjects, replicaSetObjects, podObjects, runtime, events);
        this.endpoints = new ServiceEndpointsReconciler(serviceObjects, endpointsObjects, endpointSliceObjects, runtime);
        this.queue = new ReconcileQueue("workload-controller", this::reconcile);
        this.endpointsQueue = new ReconcileQueue("endpoints-controller", this::reconcile);
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
        private SharedInformers sharedInformers;

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

        /**
         * Reads Services, Endpoints, EndpointSlices and Namespaces from {@code shared} (open; not closed by the
         * controller, which only removes its event handlers from them); unless set, the controller opens its own
         * and closes them with itself.
         */
        public Builder sharedInformers(SharedInformers shared) {
            this.sharedInformers = Objects.requireNonNull(shared, "shared");
            return this;
        }

        public WorkloadController build() {
            return new WorkloadController(this);
        }
    }

    /**
     * Starts watching Deployments, ReplicaSets, Pods, Services, Endpoints, EndpointSlices and Namespaces; returns once the informers hold the
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
            SharedInformers shared = givenSharedInformers;
            if (shared == null) {
                shared = ownSharedInformers = SharedInformers.open(client);
            }
            // read before the pods' events come: a pod's reconcile lists the Services of its namespace
            serviceObjects.readFrom(shared.services().getIndexer());
            endpointsObjects.readFrom(shared.endpoints().getIndexer());
            endpointSliceObjects.readFrom(shared.endpointSlices().getIndexer());
            deploymentObjects.readFrom(shared.deployments().getIndexer());
            informers = InformerSet.builder("Workload controller")
                    .watch("ReplicaSets", () -> replicaSetObjects.readFrom(
                            client.apps().replicaSets().inAnyNamespace().runnableInformer(0),
                            handler((ns, name) -> { }, this::onReplicaSetDeleted)))
                    .watch("Pods", () -> podObjects.readFrom(client.pods().inAnyNamespace().runnableInformer(0),
                            handler((ns, name) -> enqueue(Kind.POD, ns, name), this::onPodDeleted)))
                    .start(SYNC_TIMEOUT);
            // Deployments and Services are reconciled from the ReplicaSets' and pods' caches: their events are followed
            // once those hold what exists
            sharedHandlers.add(shared.deployments(), deploymentObjects.observing(
                    handler((ns, name) -> enqueue(Kind.DEPLOYMENT, ns, name), null)));
            sharedHandlers.add(shared.services(), serviceObjects.observing(
                    handler((ns, name) -> enqueue(Kind.SERVICE, ns, name), null)));
            sharedHandlers.add(shared.endpoints(), endpointsObjects.observing(handler((ns, name) -> { },
                    (Endpoints deleted) -> enqueue(Kind.SERVICE, deleted.getMetadata().getNamespace(),
                            deleted.getMetadata().getName()))));
            sharedHandlers.add(shared.endpointSlices(), endpointSliceObjects.observing(
                    handler((ns, name) -> { }, this::onEndpointSliceDeleted)));
            sharedHandlers.add(shared.namespaces(), handler((ns, name) -> { }, (Namespace deleted) -> enqueue(
                    Kind.NAMESPACE, deleted.getMetadata().getName(), deleted.getMetadata().getName())));
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
        sharedHandlers.close();
        if (ownSharedInformers != null) {
            ownSharedInformers.close();
        }
        queue.close();
        endpointsQueue.close();
        events.close();
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

    private void enqueue(Kind kind, String namespace, String name) {
        (kind == Kind.SERVICE ? endpointsQueue : queue).enqueue(kind, namespace, name);
    }

    private void onPodDeleted(Pod pod) {
        deploymentNameOf(pod).ifPresent(d -> enqueue(Kind.DEPLOYMENT, pod.getMetadata().getNamespace(), d));
    }

    /** A ReplicaSet deleted by somebody else is created again by its Deployment. */
    private void onReplicaSetDeleted(ReplicaSet replicaSet) {
        ownerOfKind(replicaSet, "Deployment")
                .ifPresent(d -> enqueue(Kind.DEPLOYMENT, replicaSet.getMetadata().getNamespace(), d));
    }

    private void onEndpointSliceDeleted(EndpointSlice slice) {
        Map<String, String> labels = slice.getMetadata().getLabels();
        String service = labels == null ? null : labels.get(ServiceEndpointsReconciler.SERVICE_NAME_LABEL);
        if (service != null) {
            enqueue(Kind.SERVICE, slice.getMetadata().getNamespace(), service);
        }
    }

    private static Optional<String> ownerOfKind(HasMetadata object, String kind) {
        List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
        return owners == null ? Optional.empty()
                : owners.stream().filter(o -> kind.equals(o.getKind())).map(OwnerReference::getName).findFirst();
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
        Pod pod = podObjects.get(namespace, name);
        if (pod == null || pod.getMetadata().getDeletionTimestamp() != null || runtime.isRetired(pod)) {
            runtime.stop(namespace, name);
            enqueueServices(namespace);
            return;
        }
        boolean wasRunning = runtime.running(namespace, name).filter(r -> r.uid().equals(pod.getMetadata().getUid())).isPresent();
        PodRuntime.RunningPod running = runtime.ensureRunning(pod);
        if (!wasRunning) {
            podEvents.started(pod, running);
            LOG.debug("Pod {}/{} started on {} (ready: {})", namespace, name, running.podIp(), running.ready());
        }
        // the Deployment next, ahead of this pod's own status event: it reads the status written here
        deploymentNameOf(pod).ifPresent(d -> enqueue(Kind.DEPLOYMENT, namespace, d));
        PodStatus desired = PodStatuses.of(pod, running);
        if (!PodStatuses.fingerprint(desired).equals(PodStatuses.fingerprint(pod.getStatus()))) {
            podObjects.updateStatus(pod, stored -> {
                stored.setStatus(desired);
                return stored;
            });
        }
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
        List<Pod> podsInNamespace = client.pods().inNamespace(namespace).list().getItems();
        podsInNamespace.forEach(runtime::retire);
        client.apps().deployments().inNamespace(namespace).list().getItems().forEach(deploymentObjects::delete);
        client.apps().replicaSets().inNamespace(namespace).list().getItems().forEach(replicaSetObjects::delete);
        podsInNamespace.forEach(podObjects::delete);
        client.services().inNamespace(namespace).list().getItems().forEach(serviceObjects::delete);
        client.endpoints().inNamespace(namespace).list().getItems().forEach(endpointsObjects::delete);
        client.discovery().v1().endpointSlices().inNamespace(namespace).list().getItems()
                .forEach(endpointSliceObjects::delete);
        LOG.debug("Deleted the workloads of deleted namespace {}", namespace);
    }

    private void enqueueServices(String namespace) {
        for (Service service : serviceObjects.inNamespace(namespace)) {
            enqueue(Kind.SERVICE, namespace, service.getMetadata().getName());
        }
    }

    private List<Pod> podsIn(String namespace) {
        return podObjects.inNamespace(namespace);
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

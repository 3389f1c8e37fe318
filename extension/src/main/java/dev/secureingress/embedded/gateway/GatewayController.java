package dev.secureingress.embedded.gateway;

import dev.secureingress.embedded.dataplane.DataPlane;
import dev.secureingress.embedded.watch.InformerSet;
import dev.secureingress.embedded.watch.SharedInformers;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The embedded gateway's control plane: an Istio-like Gateway API controller for the GatewayClass
 * {@value #CLASS_NAME} (controller {@value #CONTROLLER_NAME}).
 *
 * <p>It watches GatewayClasses, Gateways, HTTPRoutes, ReferenceGrants, Secrets, ConfigMaps, Namespaces,
 * Services, Endpoints and EndpointSlices through informers (the last four may be {@link SharedInformers} that
 * the workload controller reads too); every change triggers a reconciliation pass
 * (changes arriving during a pass are folded into the next one) which
 * <ul>
 *   <li>programs each Gateway of class {@value #CLASS_NAME} into the {@link DataPlane} (only when its
 *       program changed): the listeners that are valid, with their certificates and attached routes;</li>
 *   <li>writes Gateway, listener, HTTPRoute and GatewayClass status per the Gateway API spec, only when it
 *       changed;</li>
 *   <li>keeps the Service {@code <gateway>-istio} that says where the Gateway is served (address in
 *       {@code status.loadBalancer.ingress[0].ip}, bound ports as {@code nodePort}s).</li>
 * </ul>
 *
 * <pre>{@code
 * try (GatewayController controller = GatewayController.start(client, dataPlane)) {
 *     // apply Secrets, Gateways, HTTPRoutes; await Programmed
 * }
 * }</pre>
 *
 * The controller neither closes the client, the data plane nor the shared informers it was given.
 */
public final class GatewayController implements AutoCloseable {

    /** The GatewayClass this controller serves, as Istio does. */
    public static final String CLASS_NAME = "istio";
    /** The {@code spec.controllerName} of the GatewayClasses this controller serves. */
    public static final String CONTROLLER_NAME = "istio.io/gateway-controller";

    private static final Logger LOG = LoggerFactory.getLogger(GatewayController.class);
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);
    private static final boolean NAMESPACED = true;
    private static final boolean CLUSTER_SCOPED = false;

    private final InformerSet informers;
    /** The shared informers this controller opened itself, closed with it; null when they were given. */
    private final SharedInformers ownSharedInformers;
    /** This controller's event handlers on the shared informers. */
    private final SharedInformers.Handlers sharedHandlers = new SharedInformers.Handlers();
    private final ExecutorService executor;
    private final AtomicBoolean passPending = new AtomicBoolean();
    private final AtomicLong passes = new AtomicLong();
    private final Reconciler reconciler;
    private volatile boolean running;

    private GatewayController(KubernetesClient client, DataPlane dataPlane, Clock clock, SharedInformers shared,
                              boolean closesShared) {
        this.ownSharedInformers = closesShared ? shared : null;
        ClusterView cluster = new ClusterView();
        this.reconciler = new Reconciler(client, cluster, dataPlane, clock);
        this.executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "gateway-controller");
            thread.setDaemon(true);
            return thread;
        });
        InformerSet.Builder watches = InformerSet.builder("Gateway controller");
        watch(watches, client, cluster, GatewayClass.class, CLUSTER_SCOPED);
        watch(watches, client, cluster, Gateway.class, NAMESPACED);
        watch(watches, client, cluster, HTTPRoute.class, NAMESPACED);
        watch(watches, client, cluster, io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant.class, NAMESPACED);
        // ReferenceGrant v1 is served from Gateway API v1.5 on; v1beta1 covers older CRDs
        watches.watchIfServed("ReferenceGrants (v1)", informer(client, ReferenceGrant.class, NAMESPACED),
                keep(cluster, ReferenceGrant.class));
        watch(watches, client, cluster, Secret.class, NAMESPACED);
        watch(watches, client, cluster, ConfigMap.class, NAMESPACED);
        follow(shared.namespaces(), Namespace.class, cluster);
        follow(shared.services(), Service.class, cluster);
        follow(shared.endpoints(), Endpoints.class, cluster);
        follow(shared.endpointSlices(), EndpointSlice.class, cluster);
        follow(shared.deployments(), Deployment.class, cluster);
        try {
            this.informers = watches.start(SYNC_TIMEOUT);
        } catch (RuntimeException e) {
            sharedHandlers.close();
            executor.shutdownNow();
            throw e;
        }
        running = true;
        requestPass();
    }

    /**
     * Starts watching the cluster and reconciling; returns once every informer has its initial list and
     * the first pass is queued. The controller opens its own {@link SharedInformers} and closes them with itself.
     *
     * @param client    a client for the cluster's API (not closed by the controller)
     * @param dataPlane where Gateways are programmed (not closed by the controller)
     */
    public static GatewayController start(KubernetesClient client, DataPlane dataPlane) {
        return start(client, dataPlane, Clock.systemUTC());
    }

    /** As {@link #start(KubernetesClient, DataPlane)}, with the clock that stamps {@code lastTransitionTime}. */
    public static GatewayController start(KubernetesClient client, DataPlane dataPlane, Clock clock) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(dataPlane, "dataPlane");
        Objects.requireNonNull(clock, "clock");
        SharedInformers opened = SharedInformers.open(client);
        try {
            return new GatewayController(client, dataPlane, clock, opened, true);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /**
     * As {@link #start(KubernetesClient, DataPlane)}, reading Namespaces, Services, Endpoints and EndpointSlices
     * from {@code shared} (open; not closed by the controller, which only removes its event handlers from them).
     */
    public static GatewayController start(KubernetesClient client, DataPlane dataPlane, SharedInformers shared) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(dataPlane, "dataPlane");
        Objects.requireNonNull(shared, "shared");
        return new GatewayController(client, dataPlane, Clock.systemUTC(), shared, false);
    }

    /** How many reconciliation passes have completed; for diagnostics and benchmarks. */
    public long completedPasses() {
        return passes.get();
    }

    private <T extends HasMetadata> void watch(InformerSet.Builder watches, KubernetesClient client, ClusterView cluster,
                                               Class<T> type, boolean namespaced) {
        watches.watch(type.getSimpleName() + "s", informer(client, type, namespaced), keep(cluster, type));
    }

    /** Reads {@code type} from a shared informer, whose changes request a reconciliation pass from now on. */
    private <T extends HasMetadata> void follow(SharedIndexInformer<T> informer, Class<T> type, ClusterView cluster) {
        sharedHandlers.add(informer, passRequests());
        cluster.with(type, informer.getStore());
    }

    /** A fresh informer over every {@code type} object whose changes request a reconciliation pass. */
    private <T extends HasMetadata> Supplier<SharedIndexInformer<T>> informer(KubernetesClient client, Class<T> type,
                                                                             boolean namespaced) {
        ResourceEventHandler<T> handler = passRequests();
        return () -> (namespaced ? client.resources(type).inAnyNamespace().runnableInformer(0)
                : client.resources(type).runnableInformer(0)).addEventHandler(handler);
    }

    /** An event handler that requests a reconciliation pass on every change. */
    private <T> ResourceEventHandler<T> passRequests() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T resource) {
                requestPass();
            }

            @Override
            public void onUpdate(T oldResource, T newResource) {
                requestPass();
            }

            @Override
            public void onDelete(T resource, boolean finalStateUnknown) {
                requestPass();
            }
        };
    }

    private static <T extends HasMetadata> Consumer<SharedIndexInformer<T>> keep(ClusterView cluster, Class<T> type) {
        return informer -> cluster.with(type, informer.getStore());
    }

    private void requestPass() {
        if (!running || !passPending.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this::pass);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            passPending.set(false);
        }
    }

    private void pass() {
        passPending.set(false);
        if (!running) {
            return;
        }
        try {
            reconciler.reconcile();
        } catch (RuntimeException e) {
            LOG.error("Gateway reconciliation failed; the next change retries it", e);
        } finally {
            passes.incrementAndGet();
        }
    }

    /**
     * Stops watching (closes its own informers, takes its handlers off the shared ones and closes those when it
     * opened them); Gateways stay programmed in the data plane until the data plane is closed.
     */
    @Override
    public void close() {
        running = false;
        if (informers != null) {
            informers.close();
        }
        sharedHandlers.close();
        if (ownSharedInformers != null) {
            ownSharedInformers.close();
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

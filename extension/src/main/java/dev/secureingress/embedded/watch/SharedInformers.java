package dev.secureingress.embedded.watch;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The informers that both embedded controllers read: Services, Namespaces, Endpoints, EndpointSlices and
 * Deployments (the gateway controller keeps the Deployments it makes for Gateways), listed
 * and watched once for both. Each controller adds its own event handlers through its {@link Handlers} (a handler
 * added to a running informer first hears of every object already cached, as added), reads the informers' caches,
 * and takes its handlers off when it closes. Whoever opens the shared informers closes them, after the controllers
 * that read them.
 *
 * <pre>{@code
 * try (SharedInformers shared = SharedInformers.open(client);
 *      WorkloadController workloads = WorkloadController.builder(client).sharedInformers(shared).build().start();
 *      GatewayController gateways = GatewayController.start(client, dataPlane, shared)) {
 *     // apply workloads, Gateways and routes
 * }
 * }</pre>
 */
public final class SharedInformers implements AutoCloseable {

    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);

    private final InformerSet informers;
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<Endpoints> endpoints;
    private final SharedIndexInformer<EndpointSlice> endpointSlices;
    private final SharedIndexInformer<Deployment> deployments;

    private SharedInformers(InformerSet informers) {
        this.informers = informers;
        this.services = informers.informer(Service.class);
        this.namespaces = informers.informer(Namespace.class);
        this.endpoints = informers.informer(Endpoints.class);
        this.endpointSlices = informers.informer(EndpointSlice.class);
        this.deployments = informers.informer(Deployment.class);
    }

    /**
     * Starts the informers through {@code client} (not closed here) and returns once all of them have listed and
     * are watching (bounded: 60 s).
     *
     * @throws IllegalStateException when one cannot list in time, naming it and the API server's answer
     */
    public static SharedInformers open(KubernetesClient client) {
        return new SharedInformers(InformerSet.builder("Shared informers")
                .watch("Services", () -> client.services().inAnyNamespace().runnableInformer(0))
                .watch("Namespaces", () -> client.namespaces().runnableInformer(0))
                .watch("Endpoints", () -> client.endpoints().inAnyNamespace().runnableInformer(0))
                .watch("EndpointSlices", () -> client.discovery().v1().endpointSlices().inAnyNamespace()
                        .runnableInformer(0))
                .watch("Deployments", () -> client.apps().deployments().inAnyNamespace().runnableInformer(0))
                .start(SYNC_TIMEOUT));
    }

    /** The Services of every namespace. */
    public SharedIndexInformer<Service> services() {
        return services;
    }

    /** The Namespaces. */
    public SharedIndexInformer<Namespace> namespaces() {
        return namespaces;
    }

    /** The Endpoints of every namespace. */
    public SharedIndexInformer<Endpoints> endpoints() {
        return endpoints;
    }

    /** The EndpointSlices of every namespace. */
    public SharedIndexInformer<EndpointSlice> endpointSlices() {
        return endpointSlices;
    }

    /** The Deployments of every namespace. */
    public SharedIndexInformer<Deployment> deployments() {
        return deployments;
    }

    /** Stops the informers; the handlers still on them hear nothing more. Idempotent. */
    @Override
    public void close() {
        informers.close();
    }

    /** The event handlers one reader added to shared informers; closing takes them off, the informers keep running. */
    public static final class Handlers implements AutoCloseable {

        private final List<Runnable> removals = new CopyOnWriteArrayList<>();

        /** Adds {@code handler} to {@code informer} until this is closed. */
        public <T> void add(SharedIndexInformer<T> informer, ResourceEventHandler<? super T> handler) {
            informer.addEventHandler(handler);
            removals.add(() -> informer.removeEventHandler(handler));
        }

        /** Takes every handler added here off its informer. Idempotent. */
        @Override
        public void close() {
            removals.forEach(Runnable::run);
            removals.clear();
        }
    }
}

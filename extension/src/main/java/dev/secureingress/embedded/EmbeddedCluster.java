package dev.secureingress.embedded;

import dev.secureingress.cluster.IngressCluster;
import dev.secureingress.embedded.api.EmbeddedApiServer;
import dev.secureingress.embedded.dataplane.NettyDataPlane;
import dev.secureingress.embedded.dataplane.PortPolicy;
import dev.secureingress.embedded.gateway.GatewayController;
import dev.secureingress.embedded.watch.SharedInformers;
import dev.secureingress.embedded.workload.WorkloadController;
import dev.secureingress.fixtures.StandIns;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A Kubernetes cluster inside the JVM, for machines without Docker: the embedded API server
 * ({@link EmbeddedApiServer}), the workload controller ({@link WorkloadController}: Deployments run as
 * in-JVM stand-ins of their images, Services get Endpoints), the gateway controller ({@link GatewayController}, Istio's part: Gateway API
 * status and the {@code <gateway>-istio} Service) and the Netty data plane ({@link NettyDataPlane}) that
 * serves every programmed Gateway on its own loopback address.
 *
 * <pre>{@code
 * try (EmbeddedCluster cluster = EmbeddedCluster.builder().portPolicy(PortPolicy.EPHEMERAL).start()) {
 *     cluster.client().resource(gateway).create();
 *     InetSocketAddress https = cluster.gatewayEndpoint("istio-system", "mygateway", 443);
 * }
 * }</pre>
 */
public final class EmbeddedCluster implements IngressCluster {

    /** Label on a Gateway's {@code <gateway>-istio} Service naming the Gateway. */
    public static final String GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCluster.class);

    private final PortPolicy portPolicy;
    private final StandIns standIns;
    /** What was started, in start order; closed in reverse. */
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private EmbeddedApiServer apiServer;
    private KubernetesClient client;

    private EmbeddedCluster(PortPolicy portPolicy, StandIns standIns) {
        this.portPolicy = portPolicy;
        this.standIns = standIns;
    }

    private EmbeddedCluster boot() {
        long begin = System.nanoTime();
        try {
            // the data plane (Netty, BoringSSL) loads while the API server starts
            CompletableFuture<NettyDataPlane> dataPlaneStart = startAside("embedded-cluster-data-plane-start",
                    () -> NettyDataPlane.builder().portPolicy(portPolicy).build());
            try {
                // the controllers' clients and informers are made while the API server stores its seed objects
                apiServer = remember(EmbeddedApiServer.startSeeding());
            } catch (RuntimeException | Error e) {
                dataPlaneStart.thenAccept(NettyDataPlane::close);
                throw e;
            }
            NettyDataPlane dataPlane = remember(started(dataPlaneStart));
            client = apiServer.inProcessClient();
            try {
                startControllers(dataPlane);
            } catch (RuntimeException controllersFailure) {
                apiServer.awaitSeeded(); // a seed that failed is why: say so
                throw controllersFailure;
            }
            apiServer.awaitSeeded();
        } catch (RuntimeException | Error failure) {
            close();
            throw failure;
        }
        // the API server's address is not asked for here: its HTTPS listener starts when a client outside the JVM needs it
        LOG.info("Embedded cluster ready in {} ms (gateway ports {})", (System.nanoTime() - begin) / 1_000_000, portPolicy);
        return this;
    }

    /**
     * Starts the workload and gateway controllers at the same time, over the informers both read (opened first, closed
     * after both): each returns once its informers have listed, which is mostly waiting for the API server. Both are
     * remembered (and so closed) even when one fails.
     */
    private void startControllers(NettyDataPlane dataPlane) {
        SharedInformers shared = remember(SharedInformers.open(apiServer.inProcessClient()));
        CompletableFuture<WorkloadController> workloads = startAside("embedded-cluster-workloads-start",
                () -> WorkloadController.builder(apiServer.inProcessClient()).standIns(standIns)
                        .sharedInformers(shared).build().start());
        RuntimeException failure = null;
        try {
            remember(GatewayController.start(apiServer.inProcessClient(), dataPlane, shared));
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            remember(started(workloads));
        } catch (RuntimeException workloadFailure) {
            if (failure == null) {
                failure = workloadFailure;
            } else {
                failure.addSuppressed(workloadFailure);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Runs {@code start} on a thread of its own (the common pool has a single thread on a 2-core machine). */
    private static <T> CompletableFuture<T> startAside(String threadName, Supplier<T> start) {
        return CompletableFuture.supplyAsync(start, task -> new Thread(task, threadName).start());
    }

    /** The result of a start that ran on another thread, or the exception it failed with. */
    private static <T> T started(CompletableFuture<T> start) {
        try {
            return start.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private <T extends AutoCloseable> T remember(T component) {
        started.push(component);
        return component;
    }

    /** A builder with defaults for tests: ephemeral ports. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String backendName() {
        return "embedded";
    }

    /**
     * A client that reaches the embedded API server in process ({@link EmbeddedApiServer#inProcessClient()}): the
     * same objects, answers and watches as over HTTPS, without a TLS connection. kubectl and other tools use the
     * server's HTTPS address ({@link EmbeddedApiServer#kubeconfig()}).
     */
    @Override
    public KubernetesClient client() {
        return client;
    }

    /** The embedded API server (URL, certificate, kubeconfig). */
    public EmbeddedApiServer apiServer() {
        return apiServer;
    }

    /** How this cluster maps logical listener ports to bound ports. */
    public PortPolicy portPolicy() {
        return portPolicy;
    }

    /**
     * Reads the Gateway's {@code <gateway>-istio} Service: the address is its
     * {@code status.loadBalancer.ingress[0].ip}, the port the {@code nodePort} of the Service port whose
     * {@code port} is {@code listenerPort}.
     */
    @Override
    public InetSocketAddress gatewayEndpoint(String namespace, String gatewayName, int listenerPort) {
        String serviceName = gatewayName + "-istio";
        String where = "Gateway " + namespace + "/" + gatewayName + ": Service " + namespace + "/" + serviceName;
        Service service = client().services().inNamespace(namespace).withName(serviceName).get();
        if (service == null) {
            throw new IllegalStateException(where + " does not exist yet; the gateway controller creates it once the"
                    + " Gateway (gatewayClassName: " + EmbeddedApiServer.GATEWAY_CLASS + ") is accepted");
        }
        List<ServicePort> ports = Optional.ofNullable(service.getSpec().getPorts()).orElse(List.of());
        ServicePort port = ports.stream()
                .filter(p -> Objects.equals(p.getPort(), listenerPort))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(where + " has no port " + listenerPort
                        + " (it has " + ports.stream().map(p -> String.valueOf(p.getPort())).collect(Collectors.joining(", "))
                        + "); is there a listener with port " + listenerPort + "?"));
        if (port.getNodePort() == null) {
            throw new IllegalStateException(where + " port " + listenerPort + " has no nodePort (the bound port) yet");
        }
        String address = Optional.ofNullable(service.getStatus())
                .map(status -> status.getLoadBalancer())
                .map(lb -> lb.getIngress())
                .filter(ingress -> !ingress.isEmpty())
                .map(ingress -> ingress.get(0))
                .map(LoadBalancerIngress::getIp)
                .orElseThrow(() -> new IllegalStateException(where
                        + " has no status.loadBalancer.ingress[0].ip (the gateway address) yet"));
        return new InetSocketAddress(address, port.getNodePort());
    }

    /** Stops the controllers, the data plane and the API server, in reverse start order. Idempotent. */
    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            AutoCloseable component = started.pop();
            try {
                component.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed", component.getClass().getSimpleName(), e);
            }
        }
    }

    /** Configures and starts an {@link EmbeddedCluster}. */
    public static final class Builder {

        private PortPolicy portPolicy = PortPolicy.EPHEMERAL;
        private StandIns standIns = StandIns.withDefaults();

        private Builder() {
        }

        /** How listener ports are bound; {@link PortPolicy#EPHEMERAL} (parallel-safe) unless set. */
        public Builder portPolicy(PortPolicy portPolicy) {
            this.portPolicy = Objects.requireNonNull(portPolicy, "portPolicy");
            return this;
        }

        /**
         * The in-JVM programs that pods run, by container image; {@link StandIns#withDefaults()} (httpbin,
         * helloworld, the conformance echo server) unless set. Register your own images there.
         */
        public Builder standIns(StandIns standIns) {
            this.standIns = Objects.requireNonNull(standIns, "standIns");
            return this;
        }

        /** Starts the API server, the workload and gateway controllers and the data plane. */
        public EmbeddedCluster start() {
            return new EmbeddedCluster(portPolicy, standIns).boot();
        }
    }
}

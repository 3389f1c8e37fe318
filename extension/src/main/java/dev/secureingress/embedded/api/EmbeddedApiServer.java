package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.KeyCertOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An in-JVM Kubernetes API server: fabric8's mock server in CRUD mode (its object store, watches and request
 * handling) behind a Vert.x HTTPS server with a certificate of its own, extended with what kubectl needs
 * (discovery, OpenAPI v3, strategic merge patch, streaming watches, real-server errors) and seeded like a
 * fresh cluster with Istio installed.
 *
 * <p>It holds the Gateway API standard-channel CRDs ({@link GatewayApiCrds}), the namespaces
 * {@code default}, {@code kube-node-lease}, {@code kube-public}, {@code kube-system} and {@code istio-system}
 * (every namespace, also those created later, carries the {@code kubernetes.io/metadata.name} label and holds the
 * ServiceAccount {@code default} and the ConfigMap {@code kube-root-ca.crt} with this server's CA), the GatewayClass {@code istio}, the Node
 * {@value #NODE_NAME} and the Service {@code default/kubernetes} (cluster IP {@code 10.96.0.1}, port 443) whose
 * Endpoints and EndpointSlice name this server's address and port, as on a real cluster.
 * Objects are stored, listed, watched and patched; nothing reconciles them (the embedded controllers do).
 *
 * <p>The HTTPS listener starts when something first asks where the server is ({@link #url()}, {@link #client()},
 * {@link #clientConfig()}, {@link #kubeconfig()}): a JVM whose only client is in process never pays for it. Until then
 * the server's port is held by a plain socket, so the address that the {@code kubernetes} Service names is the
 * listener's from the start.
 *
 * <p>The server certificate is issued for {@code 127.0.0.1} and {@code localhost} by a CA made for the
 * embedded API servers of this JVM only; {@link #client()} and {@link #kubeconfig()} trust exactly that CA. Both
 * are made once per JVM, with the seed objects ({@code kube-root-ca.crt} carries the CA).
 * (fabric8's {@code MockWebServer} generates a self-signed RSA certificate in {@code start()} with no way
 * to supply one, which is why the store is served through Vert.x directly.) The controllers that run in
 * this JVM use {@link #inProcessClient()}: the same API and watches, handed to the dispatcher without a network.
 *
 * <pre>{@code
 * try (EmbeddedApiServer api = EmbeddedApiServer.start()) {
 *     api.client().namespaces().list();
 *     api.writeKubeconfig(Path.of("kubeconfig"));
 * }
 * }</pre>
 */
public final class EmbeddedApiServer implements AutoCloseable {

    /** The GatewayClass every fresh server holds. */
    public static final String GATEWAY_CLASS = "istio";
    /** The controller name of {@link #GATEWAY_CLASS}. */
    public static final String GATEWAY_CONTROLLER_NAME = "istio.io/gateway-controller";
    /** Cluster, user and context name in {@link #kubeconfig()}. */
    public static final String KUBECONFIG_CONTEXT = "secure-ingress-embedded";
    /** The one Node every fresh server holds, Ready: the node the embedded cluster's pods run on. */
    public static final String NODE_NAME = "embedded";
    /** The namespaces every fresh server holds. */
    public static final List<String> INITIAL_NAMESPACES = List.of("default", "kube-node-lease", "kube-public",
            "kube-system", "istio-system");

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedApiServer.class);
    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** Generous: a loaded CI machine can take seconds to accept a loopback connection. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final long CLOSE_TIMEOUT_SECONDS = 10;

    /** Holds the server's port until the HTTPS listener takes it over; null once it has. */
    private ServerSocket reservedPort; // guarded by this
    /** The HTTPS listener's port: the reserved one, unless another process took it in the instant it was handed over. */
    private volatile int port;
    /** The HTTPS listener's event loops and the listener, made on first use. */
    private Vertx vertx; // guarded by this
    private HttpServer server; // guarded by this
    private boolean closed; // guarded by this
    /** The HTTPS client's event loops, made with it: its work runs beside the server's, not queued behind it. */
    private Vertx clientVertx; // guarded by this
    private final InProcessTransport inProcess;
    /** The dispatcher once it holds the seed objects: what every request waits for. */
    private final CompletableFuture<ApiRequestDispatcher> ready;
    private KubernetesClient client; // guarded by this, made with clientVertx
    /** The clients {@link #inProcessClient()} made, closed with the server. */
    private final List<KubernetesClient> inProcessClients = new CopyOnWriteArrayList<>();

    private EmbeddedApiServer(ServerSocket reservedPort, InProcessTransport inProcess,
                              CompletableFuture<ApiRequestDispatcher> ready) {
        this.reservedPort = reservedPort;
        this.port = reservedPort.getLocalPort();
        this.inProcess = inProcess;
        this.ready = ready;
    }

    /** A client of this server over {@code transport}, with the JVM's shared serialization. */
    private static KubernetesClient newClient(Config config, HttpClient.Factory transport) {
        return new KubernetesClientBuilder().withConfig(config)
                .withKubernetesSerialization(ApiJson.SERIALIZATION)
                .withHttpClientFactory(transport).build();
    }

    /** Starts a server on an ephemeral loopback port and returns once it holds its seed objects. */
    public static EmbeddedApiServer start() {
        return startSeeding().awaitSeeded();
    }

    /**
     * Starts a server on an ephemeral loopback port and returns at once, while its seed objects are still being
     * stored: for a caller with other work to do meanwhile (clients, informers). Requests wait for the seed;
     * {@link #awaitSeeded()} tells when it is stored, or why it could not be.
     */
    public static EmbeddedApiServer startSeeding() {
        return startSeeding(reserveLoopbackPort());
    }

    /** Starts a server whose HTTPS listener will take over {@code reservedPort}, a bound loopback socket. */
    static EmbeddedApiServer startSeeding(ServerSocket reservedPort) {
        long started = System.nanoTime();
        CompletableFuture<ApiRequestDispatcher> seeded = CompletableFuture.supplyAsync(EmbeddedApiServer::seededDispatcher,
                task -> new Thread(task, "embedded-api-server-seed").start());
        // what requests wait for: the seed and the Service of this server's own address
        CompletableFuture<ApiRequestDispatcher> ready = new CompletableFuture<>();
        EmbeddedApiServer api = new EmbeddedApiServer(reservedPort, new InProcessTransport(ready), ready);
        int port = api.port;
        seeded.thenApply(dispatcher -> {
            KubernetesService.seed(dispatcher, HOST, port);
            return dispatcher;
        }).whenComplete((dispatcher, failure) -> {
            if (failure == null) {
                LOG.info("Embedded Kubernetes API server seeded in {} ms; its HTTPS listener on {}:{} starts when"
                        + " its address is first asked for", (System.nanoTime() - started) / 1_000_000, HOST, port);
                ready.complete(dispatcher);
            } else {
                ready.completeExceptionally(failure instanceof CompletionException ? failure.getCause() : failure);
            }
        });
        return api;
    }

    /**
     * Waits until the seed objects are stored (at most {@code START_TIMEOUT}); closes the server and throws when
     * they could not be. Returns this server.
     */
    public EmbeddedApiServer awaitSeeded() {
        try {
            ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return this;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while seeding the embedded API server", e);
        } catch (TimeoutException e) {
            close();
            throw new IllegalStateException("the embedded API server did not store its seed objects within "
                    + START_TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            close();
            throw new IllegalStateException("the embedded API server could not store its seed objects: "
                    + e.getCause(), e.getCause());
        }
    }

    private static ServerSocket reserveLoopbackPort() {
        try {
            return new ServerSocket(0, 1, InetAddress.getByName(HOST));
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded API server could not bind a port on " + HOST, e);
        }
    }

    /** The base URL, e.g. {@code https://127.0.0.1:34567}; starts the HTTPS listener if it has not started yet. */
    public String url() {
        return "https://" + HOST + ":" + listening().actualPort();
    }

    /** The HTTPS listener, started on the reserved port on first use (at most {@code START_TIMEOUT}). */
    private synchronized HttpServer listening() {
        if (closed) {
            throw new IllegalStateException("the embedded API server on " + HOST + ":" + port + " is closed");
        }
        if (server == null) {
            long started = System.nanoTime();
            vertx = Vertx.vertx();
            try {
                server = listenOnReservedPort();
            } catch (RuntimeException e) {
                // a seed that failed meanwhile has already closed the server and its event loops
                if (vertx != null) {
                    vertx.close();
                    vertx = null;
                }
                throw e;
            }
            LOG.info("Embedded Kubernetes API server listening on https://{}:{} (HTTPS started in {} ms)", HOST,
                    server.actualPort(), (System.nanoTime() - started) / 1_000_000);
        }
        return server;
    }

    /**
     * Hands the reserved port over to the listener. Should another process take the port in the instant between,
     * the listener takes a new one and the {@code kubernetes} Service's endpoints are moved to it.
     */
    private HttpServer listenOnReservedPort() {
        int reserved = port;
        try {
            reservedPort.close();
        } catch (IOException e) {
            LOG.debug("Releasing the reserved port {} failed", reserved, e);
        }
        reservedPort = null;
        try {
            return listen(reserved);
        } catch (BindException taken) {
            HttpServer moved = listenOnAnyPort();
            port = moved.actualPort();
            LOG.warn("Port {} was taken before the embedded API server listened on it; it listens on {} instead",
                    reserved, port);
            KubernetesService.moveTo(awaitSeeded().inProcessClient(), HOST, port);
            return moved;
        }
    }

    private HttpServer listenOnAnyPort() {
        try {
            return listen(0);
        } catch (BindException e) {
            throw new UncheckedIOException("the embedded API server could not bind a port on " + HOST, e);
        }
    }

    private HttpServer listen(int onPort) throws BindException {
        HttpServerOptions tls = new HttpServerOptions()
                .setHost(HOST)
                .setPort(onPort)
                .setSsl(true)
                .setUseAlpn(true)
                .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
                .setKeyCertOptions(KeyCertOptions.wrap(ServingIdentity.keyManager()))
                .setSslEngineOptions(ServingIdentity.sslEngineOptions());
        try {
            return vertx.createHttpServer(tls).requestHandler(new ApiHttpHandler(ready)).listen()
                    .toCompletionStage().toCompletableFuture().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded API server's HTTPS listener", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BindException taken) {
                throw taken;
            }
            throw new IllegalStateException("the embedded API server could not listen on " + HOST + ":" + onPort
                    + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the embedded API server could not listen on " + HOST + ":" + onPort
                    + " within " + START_TIMEOUT.toSeconds() + " s: " + e.getMessage(), e);
        }
    }

    /** The PEM certificate of the CA that issued the server certificate: what clients must trust. */
    public String caCertificatePem() {
        return ServingIdentity.get().certificateAuthority().certificatePem();
    }

    /**
     * A client for this server over HTTPS, verifying its certificate, made on first use; owned by the server, do not
     * close it.
     */
    public synchronized KubernetesClient client() {
        if (client == null) {
            clientVertx = Vertx.vertx();
            client = newClient(clientConfig(), new Vertx5HttpClientFactory(clientVertx));
        }
        return client;
    }

    /**
     * A new client for code that runs in this JVM (the controllers, the extension): its requests go straight to
     * the server's dispatcher and its watches are fed straight from the server's watch listeners, without sockets,
     * HTTP or TLS ({@link InProcessTransport}). The same objects, watches and answers as {@link #client()}. Owned by
     * the server, do not close it.
     */
    public KubernetesClient inProcessClient() {
        KubernetesClient inProcessClient = newClient(clientSettings().build(), inProcess);
        inProcessClients.add(inProcessClient);
        return inProcessClient;
    }

    /** A fabric8 configuration for this server (verifies the server certificate, namespace {@code default}). */
    public Config clientConfig() {
        listening();
        return clientSettings()
                .withCaCertData(Base64.getEncoder().encodeToString(caCertificatePem().getBytes(StandardCharsets.US_ASCII)))
                .build();
    }

    /** What every client of this server is configured with; clients over HTTPS add the CA to trust. */
    private ConfigBuilder clientSettings() {
        // in-process clients never connect: naming the port does not start the listener
        return new ConfigBuilder(Config.empty())
                .withMasterUrl("https://" + HOST + ":" + port)
                .withNamespace("default")
                .withHttp2Disable(true)
                .withConnectionTimeout((int) CONNECT_TIMEOUT.toMillis());
    }

    /**
     * A kubeconfig for this server (context {@value #KUBECONFIG_CONTEXT}, namespace {@code default}) that
     * verifies the server certificate; kubectl and other clients use it as they would for a real cluster.
     */
    public String kubeconfig() {
        io.fabric8.kubernetes.api.model.Config kubeconfig = new io.fabric8.kubernetes.api.model.ConfigBuilder()
                .withApiVersion("v1")
                .withKind("Config")
                .addNewCluster().withName(KUBECONFIG_CONTEXT).withNewCluster()
                .withServer(url())
                .withCertificateAuthorityData(Base64.getEncoder()
                        .encodeToString(caCertificatePem().getBytes(StandardCharsets.US_ASCII)))
                .endCluster().endCluster()
                .addNewUser().withName(KUBECONFIG_CONTEXT)
                // The embedded server does not authenticate; a token keeps kubectl from prompting for a user.
                .withNewUser().withToken("embedded").endUser().endUser()
                .addNewContext().withName(KUBECONFIG_CONTEXT).withNewContext()
                .withCluster(KUBECONFIG_CONTEXT).withUser(KUBECONFIG_CONTEXT).withNamespace("default")
                .endContext().endContext()
                .withCurrentContext(KUBECONFIG_CONTEXT)
                .build();
        return ApiJson.SERIALIZATION.asYaml(kubeconfig);
    }

    /** Writes {@link #kubeconfig()} to {@code file} (owner read/write only, like kubectl's own files). */
    public Path writeKubeconfig(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, kubeconfig());
            restrictToOwner(file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write kubeconfig " + file, e);
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the user's profile directory already restricts access.
        }
    }

    /**
     * Closes the clients and stops the server, waiting at most {@value #CLOSE_TIMEOUT_SECONDS} s for open
     * connections and watches to end. Never throws: a server that does not stop in time is logged (its port is
     * released with the JVM at the latest), so that a test's teardown does not fail a green test.
     */
    @Override
    public void close() {
        List<KubernetesClient> owned = new ArrayList<>(inProcessClients);
        Vertx httpsClientVertx;
        synchronized (this) {
            if (client != null) {
                owned.add(client);
            }
            httpsClientVertx = clientVertx;
        }
        for (KubernetesClient each : owned) {
            try {
                each.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing a client of the embedded API server on {}:{} failed", HOST, port, e);
            }
        }
        inProcess.close();
        Vertx serverVertx = stopListening();
        Future<Void> clientsClosed = httpsClientVertx == null ? Future.succeededFuture() : httpsClientVertx.close();
        Future<Void> serverClosed = serverVertx == null ? Future.succeededFuture() : serverVertx.close();
        Future.join(clientsClosed, serverClosed).toCompletionStage().toCompletableFuture()
                .orTimeout(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .exceptionally(failure -> {
                    LOG.warn("The embedded API server on {}:{} did not stop within {} s: {}", HOST, port,
                            CLOSE_TIMEOUT_SECONDS, failure.toString());
                    return null;
                })
                .join();
    }

    /** Marks this server closed and releases its port: the listener's event loops to close, or null if it never started. */
    private synchronized Vertx stopListening() {
        closed = true;
        if (reservedPort != null) {
            try {
                reservedPort.close();
            } catch (IOException e) {
                LOG.debug("Releasing the reserved port {} failed", port, e);
            }
            reservedPort = null;
        }
        Vertx listener = vertx;
        vertx = null;
        server = null;
        return listener;
    }

    /** A dispatcher holding the seed objects, copied from the JVM's {@link SeedTemplate}. */
    static ApiRequestDispatcher seededDispatcher() {
        return SeedTemplate.DISPATCHER.copy();
    }

    /** The seed objects, created once per JVM in a dispatcher that serves nobody and is only copied. */
    private static final class SeedTemplate {
        static final ApiRequestDispatcher DISPATCHER = seeded();

        private static ApiRequestDispatcher seeded() {
            // the CA, which every namespace's kube-root-ca.crt carries, is made while the CRDs are stored
            ServingIdentity.prepareInBackground();
            ApiRequestDispatcher dispatcher = new ApiRequestDispatcher(versionInfo());
            seed(dispatcher);
            return dispatcher;
        }
    }

    private static void seed(ApiRequestDispatcher dispatcher) {
        for (Map<String, Object> crd : GatewayApiCrds.standardChannelObjects()) {
            CrdEstablishment.establish(crd, Clock.systemUTC());
            dispatcher.create(ApiRequestDispatcher.CRD_COLLECTION, crd);
            for (Object version : (List<?>) ObjectFields.at(crd, "spec", "versions")) {
                dispatcher.registerCustomResource(new CustomResourceDefinitionContext.Builder()
                        .withGroup((String) ObjectFields.at(crd, "spec", "group"))
                        .withVersion((String) ((Map<?, ?>) version).get("name"))
                        .withKind((String) ObjectFields.at(crd, "spec", "names", "kind"))
                        .withPlural((String) ObjectFields.at(crd, "spec", "names", "plural"))
                        .withScope((String) ObjectFields.at(crd, "spec", "scope"))
                        .withStatusSubresource(true)
                        .build());
            }
        }
        for (String namespace : INITIAL_NAMESPACES) {
            dispatcher.create("/api/v1/namespaces",
                    new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build());
            dispatcher.create("/api/v1/namespaces/" + namespace + "/serviceaccounts",
                    DefaultServiceAccount.in(namespace));
            dispatcher.create(RootCaConfigMap.collectionIn(namespace), RootCaConfigMap.in(namespace));
        }
        dispatcher.create("/api/v1/nodes", node());
        GatewayClass istio = new GatewayClassBuilder()
                .withNewMetadata().withName(GATEWAY_CLASS).endMetadata()
                .withNewSpec().withControllerName(GATEWAY_CONTROLLER_NAME)
                .withDescription("The embedded Istio gateway controller").endSpec()
                .build();
        dispatcher.create("/apis/gateway.networking.k8s.io/v1/gatewayclasses", istio);
    }

    /** The node of {@link #NODE_NAME}: a Ready control-plane node on the loopback address, of this server's version. */
    private static Node node() {
        String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        return new NodeBuilder()
                .withNewMetadata().withName(NODE_NAME)
                .addToLabels("kubernetes.io/hostname", NODE_NAME)
                .addToLabels("kubernetes.io/os", "linux")
                .addToLabels("node-role.kubernetes.io/control-plane", "true")
                .endMetadata()
                .withNewStatus()
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withLastHeartbeatTime(started).withLastTransitionTime(started)
                .withMessage("the embedded cluster runs its pods as in-JVM stand-ins").endCondition()
                .addNewAddress().withType("InternalIP").withAddress("127.0.0.1").endAddress()
                .addNewAddress().withType("Hostname").withAddress(NODE_NAME).endAddress()
                .withNewNodeInfo().withKubeletVersion(versionInfo().get("gitVersion"))
                .withOperatingSystem("linux").withArchitecture("amd64")
                .withOsImage("secure-ingress embedded cluster").withKernelVersion(System.getProperty("os.version"))
                .withContainerRuntimeVersion("in-jvm://" + Runtime.version()).endNodeInfo()
                .endStatus()
                .build();
    }

    /** What {@code /version} answers, shaped like a real API server's answer. */
    static Map<String, String> versionInfo() {
        Map<String, String> version = new LinkedHashMap<>();
        version.put("major", "1");
        version.put("minor", "32");
        version.put("gitVersion", "v1.32.0+secureingress.embedded");
        version.put("gitCommit", "0000000000000000000000000000000000000000");
        version.put("gitTreeState", "clean");
        version.put("buildDate", "2026-01-01T00:00:00Z");
        version.put("goVersion", "go1.23.0");
        version.put("compiler", "gc");
        version.put("platform", "linux/amd64");
        return version;
    }
}

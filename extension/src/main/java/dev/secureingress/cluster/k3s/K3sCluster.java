package dev.secureingress.cluster.k3s;

import dev.secureingress.cluster.IngressCluster;
import dev.secureingress.ingress.IngressReadiness;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A one-node k3s cluster in a Testcontainers container with the Gateway API CRDs and Istio installed
 * through k3s' Helm controller.
 *
 * <pre>{@code
 * try (K3sCluster cluster = K3sCluster.builder()
 *         .withImage("rancher/k3s:v1.33.4-k3s1")
 *         .withVersions(IstioVersions.of("1.27.0", "v1.3.0"))
 *         .start()) {
 *     // apply Secrets, Gateways, HTTPRoutes through cluster.client(); then
 *     InetSocketAddress https = cluster.gatewayEndpoint("istio-system", "mygateway", 443);
 * }
 * }</pre>
 *
 * <p>Gateways are reached through NodePorts the container publishes (see {@link GatewayNodePorts}).
 * {@link Builder#startShared()} keeps one cluster per JVM. Needs a Docker engine; without one,
 * {@link #start} throws {@link DockerNotAvailableException}, which names the embedded backend.
 */
public final class K3sCluster implements IngressCluster {

    private static final Logger LOG = LoggerFactory.getLogger(K3sCluster.class);
    /** The k3s image used unless configured. */
    public static final String DEFAULT_IMAGE = "rancher/k3s:v1.33.4-k3s1";
    /** Where k3s imports image tarballs from when it starts (airgap images). */
    public static final String AIRGAP_IMAGES_DIR = "/var/lib/rancher/k3s/agent/images/";

    private static final Object SHARED_LOCK = new Object();
    private static K3sCluster shared;
    private static String sharedSettings;
    /** How many {@link Builder#startShared()} callers have not closed the shared cluster yet. */
    private static int sharedUsers;
    /** Testcontainers' Docker detection, once per JVM ({@code null} until it ran). */
    private static Optional<Throwable> dockerDetection;

    private final Settings settings;
    private final K3sContainer container;
    private final KubernetesClient client;
    private final GatewayNodePorts nodePorts;
    private final Map<String, InetSocketAddress> endpoints = new ConcurrentHashMap<>();

    private K3sCluster(Settings settings, K3sContainer container, KubernetesClient client) {
        this.settings = settings;
        this.container = container;
        this.client = client;
        this.nodePorts = new GatewayNodePorts(client, settings.nodePorts(), settings.timeout());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String backendName() {
        return "k3s";
    }

    @Override
    public KubernetesClient client() {
        return client;
    }

    /** The container, e.g. to copy files or read its logs. */
    public K3sContainer container() {
        return container;
    }

    /** The kubeconfig that reaches this cluster from the host, for kubectl while debugging. */
    public String kubeconfigYaml() {
        return container.getKubeConfigYaml();
    }

    /**
     * Waits until the gateway's Deployment ({@code <gateway>-istio}) is Available and the Gateway and its
     * listeners are Programmed, then returns the host address and published port of the NodePort that forwards to the
     * listener port. Remembered per Gateway (by uid): a Gateway deleted and created again is looked up afresh.
     */
    @Override
    public InetSocketAddress gatewayEndpoint(String namespace, String gatewayName, int listenerPort) {
        Gateway gateway = client.resources(Gateway.class).inNamespace(namespace).withName(gatewayName).get();
        if (gateway == null) {
            return lookUpEndpoint(namespace, gatewayName, listenerPort); // waits for it to appear
        }
        return endpoints.computeIfAbsent(namespace + "/" + gatewayName + ":" + listenerPort + "@" + gateway.getMetadata().getUid(),
                key -> lookUpEndpoint(namespace, gatewayName, listenerPort));
    }

    private InetSocketAddress lookUpEndpoint(String namespace, String gatewayName, int listenerPort) {
        ReadinessChecks.deploymentAvailable(namespace, gatewayName + "-istio", settings.timeout()).run(client);
        new IngressReadiness(client, settings.timeout()).awaitGateway(namespace, gatewayName);
        int nodePort = nodePorts.nodePortFor(namespace, gatewayName, listenerPort);
        return new InetSocketAddress(container.getHost(), container.getMappedPort(nodePort));
    }

    /** Writes the gateway pods' logs in {@code namespace} and istiod's logs. */
    @Override
    public void writeDiagnostics(String namespace, Path directory) {
        GatewayDiagnostics.writePodLogs(client, namespace, settings.istio().istioNamespace(), directory);
    }

    /**
     * Stops the container, unless it is reused across runs (then it is left running for the next run). The
     * JVM-wide cluster of {@link Builder#startShared()} stops when the last of its callers closes it, so a
     * nested test run (JUnit's EngineTestKit) that closes its clusters does not stop the outer run's.
     */
    @Override
    public void close() {
        synchronized (SHARED_LOCK) {
            if (shared == this) {
                if (--sharedUsers > 0) {
                    return;
                }
                shared = null;
                sharedSettings = null;
            }
        }
        client.close();
        if (!settings.reuse()) {
            container.stop();
        }
    }

    /** The configuration, fixed once the cluster starts. */
    record Settings(String image, IstioInstallation istio, GatewayApiCrdSource crds, Path imageTarballs,
                    boolean reuse, List<Integer> nodePorts, Duration timeout, Consumer<String> progress) {

        /** A stable description used to refuse a second, different JVM-wide cluster. */
        String describe() {
            return "image=" + image + ", istio=" + istio.versions().istio() + ", gatewayApi=" + istio.versions().gatewayApi()
                    + ", crds=" + crds.location() + ", images=" + imageTarballs + ", reuse=" + reuse
                    + ", nodePorts=" + nodePorts.get(0) + "+" + nodePorts.size();
        }
    }

    /**
     * Testcontainers-style configuration; every setting has a default, so {@code K3sCluster.builder().start()}
     * gives k3s v1.33.4 with Istio 1.27.0 and Gateway API v1.3.0 from the internet.
     */
    public static final class Builder {
        private String image = DEFAULT_IMAGE;
        private IstioVersions versions = IstioVersions.defaults();
        private GatewayApiCrdSource crds;
        private Path chartDirectory;
        private Path imageTarballs;
        private boolean reuse;
        private int firstNodePort = 30080;
        private int nodePortCount = 16;
        private Duration timeout = Duration.ofMinutes(5);
        private String istiodCpu = "100m";
        private String istiodMemory = "256Mi";
        private String proxyCpu = "10m";
        private String proxyMemory = "64Mi";
        private String gatewayServiceType = "ClusterIP";
        private Consumer<String> progress = line -> LOG.info("k3s {}", line);

        private Builder() {
        }

        /** The k3s image, e.g. {@code rancher/k3s:v1.33.4-k3s1} or a mirror of it. */
        public Builder withImage(String image) {
            this.image = Objects.requireNonNull(image, "image");
            return this;
        }

        /** Istio and Gateway API releases, chosen together; an unsupported pair is refused by {@link IstioVersions}. */
        public Builder withVersions(IstioVersions versions) {
            this.versions = Objects.requireNonNull(versions, "versions");
            return this;
        }

        /** Where the Gateway API CRDs come from; the release URL of the chosen version unless set. */
        public Builder withGatewayApiCrds(GatewayApiCrdSource crds) {
            this.crds = Objects.requireNonNull(crds, "crds");
            return this;
        }

        /** Installs Istio from {@code base-<v>.tgz} and {@code istiod-<v>.tgz} in this directory instead of the Helm repo. */
        public Builder withIstioCharts(Path directory) {
            this.chartDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * A directory of image tarballs ({@code docker save} output, {@code .tar}, {@code .tar.gz} or
         * {@code .tar.zst}) that k3s imports when it starts, so no registry is needed for them.
         */
        public Builder withImageTarballs(Path directory) {
            this.imageTarballs = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Keeps the container running after the tests and picks it up again in the next run (Testcontainers
         * reuse; also needs {@code testcontainers.reuse.enable=true} in {@code ~/.testcontainers.properties}).
         * For local loops only.
         */
        public Builder withReuse(boolean reuse) {
            this.reuse = reuse;
            return this;
        }

        /** The node ports published for gateways: {@code count} ports from {@code first}; 30080 and 16 unless set. */
        public Builder withNodePorts(int first, int count) {
            GatewayNodePorts.range(first, count);
            this.firstNodePort = first;
            this.nodePortCount = count;
            return this;
        }

        /** How long each readiness wait may take, image pulls included; 5 minutes unless set. */
        public Builder withReadinessTimeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** istiod's CPU and memory requests; 100m and 256Mi unless set. */
        public Builder withIstiodRequests(String cpu, String memory) {
            this.istiodCpu = cpu;
            this.istiodMemory = memory;
            return this;
        }

        /** Each gateway proxy's CPU and memory requests; 10m and 64Mi unless set. */
        public Builder withGatewayProxyRequests(String cpu, String memory) {
            this.proxyCpu = cpu;
            this.proxyMemory = memory;
            return this;
        }

        /** Type of the Services Istio creates for Gateways; ClusterIP unless set (see {@link IstioInstallation}). */
        public Builder withGatewayServiceType(String type) {
            this.gatewayServiceType = type;
            return this;
        }

        /** Receives the boot progress lines (each step and its duration); logged at INFO unless set. */
        public Builder withProgress(Consumer<String> progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /**
         * Reads settings from configuration parameters (JUnit configuration, system properties):
         * {@code secure-ingress.k3s.image}, {@code .istio-version}, {@code .gateway-api-version} (when
         * only the Istio version is given, the supported Gateway API release is chosen),
         * {@code .gateway-api-crds} (a path, {@code classpath:/...} or URL), {@code .istio-charts},
         * {@code .images}, {@code .reuse}, {@code .timeout} (seconds). Absent keys keep the current value.
         */
        public Builder withConfiguration(Function<String, String> parameters) {
            String prefix = "secure-ingress.k3s.";
            String value;
            if ((value = parameters.apply(prefix + "image")) != null) {
                withImage(value);
            }
            String istio = parameters.apply(prefix + "istio-version");
            String gatewayApi = parameters.apply(prefix + "gateway-api-version");
            if (istio != null || gatewayApi != null) {
                if (istio != null && gatewayApi == null) {
                    withVersions(IstioVersions.forIstio(istio));
                } else {
                    withVersions(IstioVersions.of(istio == null ? versions.istio() : istio, gatewayApi));
                }
            }
            if ((value = parameters.apply(prefix + "gateway-api-crds")) != null) {
                withGatewayApiCrds(crdSource(value));
            }
            if ((value = parameters.apply(prefix + "istio-charts")) != null) {
                withIstioCharts(Path.of(value));
            }
            if ((value = parameters.apply(prefix + "images")) != null) {
                withImageTarballs(Path.of(value));
            }
            if ((value = parameters.apply(prefix + "reuse")) != null) {
                withReuse(Boolean.parseBoolean(value.trim()));
            }
            if ((value = parameters.apply(prefix + "timeout")) != null) {
                try {
                    withReadinessTimeout(Duration.ofSeconds(Long.parseLong(value.trim())));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(prefix + "timeout '" + value + "' is not a number of seconds", e);
                }
            }
            return this;
        }

        private static GatewayApiCrdSource crdSource(String value) {
            if (value.startsWith("classpath:")) {
                return GatewayApiCrdSource.classpath(value.substring("classpath:".length()));
            }
            if (value.startsWith("http://") || value.startsWith("https://")) {
                return GatewayApiCrdSource.url(URI.create(value));
            }
            return GatewayApiCrdSource.file(Path.of(value));
        }

        Settings settings() {
            DockerImageName.parse(image); // fails early with Testcontainers' message on a malformed name
            if (imageTarballs != null && !Files.isDirectory(imageTarballs)) {
                throw new IllegalArgumentException("image tarball directory " + imageTarballs.toAbsolutePath()
                        + " does not exist; point secure-ingress.k3s.images at a directory of `docker save` tarballs");
            }
            IstioInstallation istio = IstioInstallation.builder()
                    .versions(versions)
                    .istiodRequests(istiodCpu, istiodMemory)
                    .proxyRequests(proxyCpu, proxyMemory)
                    .gatewayServiceType(gatewayServiceType)
                    .chartDirectory(chartDirectory)
                    .build();
            return new Settings(image, istio, crds == null ? GatewayApiCrdSource.release(versions) : crds, imageTarballs,
                    reuse, GatewayNodePorts.range(firstNodePort, nodePortCount), timeout, progress);
        }

        /** The plan this configuration runs once the container is up; reads the CRD manifests. */
        public K3sInstallPlan plan() {
            Settings settings = settings();
            return K3sInstallPlan.create(settings.istio(), settings.crds(), settings.timeout());
        }

        /**
         * Starts a new cluster: the container, then the install plan, reporting each step and its duration.
         *
         * @throws DockerNotAvailableException when Testcontainers finds no Docker engine
         */
        public K3sCluster start() {
            Settings settings = settings();
            requireDocker();
            K3sInstallPlan plan = K3sInstallPlan.create(settings.istio(), settings.crds(), settings.timeout());
            return boot(settings, plan);
        }

        /**
         * The JVM-wide cluster: started by the first call, returned by later ones; each caller closes it once,
         * and the last close stops it. A later call with a different configuration is refused, since one JVM
         * runs one k3s container.
         */
        public K3sCluster startShared() {
            Settings settings = settings();
            synchronized (SHARED_LOCK) {
                if (shared != null) {
                    if (!sharedSettings.equals(settings.describe())) {
                        throw new IllegalStateException("A k3s cluster with other settings is already running in this JVM ("
                                + sharedSettings + "); requested: " + settings.describe()
                                + ". Use one k3s configuration per test run");
                    }
                    sharedUsers++;
                    return shared;
                }
                requireDocker();
                K3sInstallPlan plan = K3sInstallPlan.create(settings.istio(), settings.crds(), settings.timeout());
                shared = boot(settings, plan);
                sharedSettings = settings.describe();
                sharedUsers = 1;
                return shared;
            }
        }

        private static K3sCluster boot(Settings settings, K3sInstallPlan plan) {
            long start = System.nanoTime();
            settings.progress().accept("starting container " + settings.image()
                    + (settings.reuse() ? " (reuse enabled)" : "")
                    + ", publishing node ports " + settings.nodePorts().get(0) + "-"
                    + settings.nodePorts().get(settings.nodePorts().size() - 1));
            K3sContainer container = new K3sContainer(DockerImageName.parse(settings.image())
                    .asCompatibleSubstituteFor("rancher/k3s"));
            container.addExposedPorts(settings.nodePorts().stream().mapToInt(Integer::intValue).toArray());
            container.withReuse(settings.reuse());
            for (Path tarball : tarballs(settings.imageTarballs())) {
                container.withCopyFileToContainer(MountableFile.forHostPath(tarball), AIRGAP_IMAGES_DIR + tarball.getFileName());
            }
            container.start();
            settings.progress().accept("container up, API server " + container.getHost() + ":"
                    + container.getMappedPort(K3sContainer.KUBE_SECURE_PORT) + " in "
                    + K3sInstallPlan.seconds(Duration.ofNanos(System.nanoTime() - start)));
            KubernetesClient client = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(container.getKubeConfigYaml()))
                    .build();
            K3sCluster cluster = new K3sCluster(settings, container, client);
            try {
                plan.execute(client, settings.progress());
            } catch (RuntimeException e) {
                settings.progress().accept("boot failed: " + e.getMessage());
                cluster.close();
                throw e;
            }
            settings.progress().accept("ready in " + K3sInstallPlan.seconds(Duration.ofNanos(System.nanoTime() - start)));
            return cluster;
        }

        /** The image tarballs k3s' airgap import takes ({@code .tar}, {@code .tar.gz}, {@code .tgz}, {@code .tar.zst}), by name. */
        static List<Path> tarballs(Path directory) {
            if (directory == null) {
                return List.of();
            }
            try (Stream<Path> files = Files.list(directory)) {
                return files.filter(Files::isRegularFile)
                        .filter(f -> {
                            String name = f.getFileName().toString();
                            return name.endsWith(".tar") || name.endsWith(".tar.gz") || name.endsWith(".tgz")
                                    || name.endsWith(".tar.zst");
                        })
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not list image tarballs in " + directory, e);
            }
        }
    }

    /**
     * Why this JVM cannot run k3s, as Testcontainers' Docker detection sees it (environment,
     * {@code ~/.testcontainers.properties}, the usual sockets); empty when a Docker engine answers. The
     * detection runs once per JVM; later calls return its result.
     */
    public static Optional<String> dockerUnavailableReason() {
        return dockerProblem().map(DockerNotAvailableException::reasonOf);
    }

    /**
     * Fails with {@link DockerNotAvailableException} unless Testcontainers finds a Docker engine; called
     * before anything is downloaded, so a missing engine is the first thing reported.
     */
    static void requireDocker() {
        Optional<Throwable> problem = dockerProblem();
        if (problem.isPresent()) {
            throw new DockerNotAvailableException(problem.get());
        }
    }

    /** Empty when Docker works, else what Testcontainers reported (its own exception, or a description). */
    private static synchronized Optional<Throwable> dockerProblem() {
        if (dockerDetection == null) {
            dockerDetection = detectDocker();
        }
        return dockerDetection;
    }

    private static Optional<Throwable> detectDocker() {
        try {
            DockerClientFactory.instance().client(); // throws with Testcontainers' account of what it tried
            return Optional.empty();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of(e);
        }
    }
}

package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-JVM Kubernetes API server: fabric8's mock server in CRUD mode over HTTPS, seeded like a fresh
 * cluster with Istio installed.
 *
 * <p>It holds the Gateway API standard-channel CRDs ({@link GatewayApiCrds}), the namespaces
 * {@code default}, {@code kube-system} and {@code istio-system} (every namespace, also those created
 * later, carries the {@code kubernetes.io/metadata.name} label) and the GatewayClass {@code istio}.
 * Objects are stored, listed, watched and patched; nothing reconciles them (the embedded controllers do).
 *
 * <pre>{@code
 * try (EmbeddedApiServer api = EmbeddedApiServer.start()) {
 *     api.client().namespaces().list();
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
    /** The namespaces every fresh server holds. */
    public static final List<String> INITIAL_NAMESPACES = List.of("default", "kube-system", "istio-system");

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedApiServer.class);
    /** The mock web server logs every request at INFO through java.util.logging; keep that out of test output. */
    private static final java.util.logging.Logger MOCK_WEB_SERVER_LOG = quiet("io.fabric8.mockwebserver.MockWebServer");

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final String caCertificatePem;

    private EmbeddedApiServer(KubernetesMockServer server, String caCertificatePem) {
        this.server = server;
        this.caCertificatePem = caCertificatePem;
        this.client = new KubernetesClientBuilder().withConfig(clientConfig()).build();
    }

    /** Starts a server on an ephemeral loopback port and seeds it. */
    public static EmbeddedApiServer start() {
        long started = System.nanoTime();
        ApiRequestDispatcher dispatcher = new ApiRequestDispatcher(versionInfo());
        seed(dispatcher);
        KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
                new MockWebServer(), new HashMap<>(), dispatcher, true);
        server.init(InetAddress.getLoopbackAddress(), 0);
        String caPem;
        try {
            caPem = Files.readString(Path.of(server.getSelfSignedCertificate().certificatePath()));
        } catch (IOException e) {
            server.destroy();
            throw new UncheckedIOException("cannot read the API server's certificate", e);
        }
        EmbeddedApiServer api = new EmbeddedApiServer(server, caPem);
        LOG.info("Embedded Kubernetes API server listening on {} (started in {} ms)", api.url(),
                (System.nanoTime() - started) / 1_000_000);
        return api;
    }

    /** The base URL, e.g. {@code https://localhost:34567}. */
    public String url() {
        String url = server.url("/");
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The PEM certificate that clients must trust to verify this server. */
    public String caCertificatePem() {
        return caCertificatePem;
    }

    /** A client for this server, verifying its certificate; owned by the server, do not close it. */
    public KubernetesClient client() {
        return client;
    }

    /** A fabric8 configuration for this server (verifies the server certificate, namespace {@code default}). */
    public Config clientConfig() {
        return new ConfigBuilder(Config.empty())
                .withMasterUrl(url())
                .withCaCertData(Base64.getEncoder().encodeToString(caCertificatePem.getBytes(StandardCharsets.US_ASCII)))
                .withNamespace("default")
                .withHttp2Disable(true)
                .build();
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
                        .encodeToString(caCertificatePem.getBytes(StandardCharsets.US_ASCII)))
                .endCluster().endCluster()
                .addNewUser().withName(KUBECONFIG_CONTEXT)
                // The embedded server does not authenticate; a token keeps kubectl from prompting for a user.
                .withNewUser().withToken("embedded").endUser().endUser()
                .addNewContext().withName(KUBECONFIG_CONTEXT).withNewContext()
                .withCluster(KUBECONFIG_CONTEXT).withUser(KUBECONFIG_CONTEXT).withNamespace("default")
                .endContext().endContext()
                .withCurrentContext(KUBECONFIG_CONTEXT)
                .build();
        return Serialization.asYaml(kubeconfig);
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

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            server.destroy();
        }
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    private static void seed(ApiRequestDispatcher dispatcher) {
        for (CustomResourceDefinition crd : GatewayApiCrds.standardChannel()) {
            dispatcher.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
            for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
                dispatcher.registerCustomResource(new CustomResourceDefinitionContext.Builder()
                        .withGroup(crd.getSpec().getGroup())
                        .withVersion(version.getName())
                        .withKind(crd.getSpec().getNames().getKind())
                        .withPlural(crd.getSpec().getNames().getPlural())
                        .withScope(crd.getSpec().getScope())
                        .withStatusSubresource(true)
                        .build());
            }
        }
        for (String namespace : INITIAL_NAMESPACES) {
            dispatcher.create("/api/v1/namespaces",
                    new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build());
        }
        GatewayClass istio = new GatewayClassBuilder()
                .withNewMetadata().withName(GATEWAY_CLASS).endMetadata()
                .withNewSpec().withControllerName(GATEWAY_CONTROLLER_NAME)
                .withDescription("The embedded Istio gateway controller").endSpec()
                .build();
        dispatcher.create("/apis/gateway.networking.k8s.io/v1/gatewayclasses", istio);
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

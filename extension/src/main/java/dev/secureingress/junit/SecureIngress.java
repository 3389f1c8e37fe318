package dev.secureingress.junit;

import dev.secureingress.cluster.FixtureDeployer;
import dev.secureingress.cluster.IngressCluster;
import dev.secureingress.fixtures.Fixture;
import dev.secureingress.ingress.CredentialRotation;
import dev.secureingress.ingress.HostSpec;
import dev.secureingress.ingress.IngressApplier;
import dev.secureingress.ingress.IngressNames;
import dev.secureingress.ingress.IngressPlaceholders;
import dev.secureingress.ingress.IngressPlan;
import dev.secureingress.ingress.IngressReadiness;
import dev.secureingress.ingress.ManifestTemplate;
import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.KeyAlgorithm;
import dev.secureingress.tls.SecretLayout;
import dev.secureingress.client.CurlCommand;
import dev.secureingress.client.HandshakeResult;
import dev.secureingress.client.IngressClient;
import dev.secureingress.client.IngressRequestException;
import dev.secureingress.client.IngressResponse;
import dev.secureingress.cluster.BoundedWait;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A test class's ingress: its namespace on the shared cluster, its PKI (one root CA issuing every host's
 * and the client's credential), the credential Secrets, the Gateway and HTTPRoutes, and the means to
 * change them (apply, rotate) and to reach them (gateway address, pinned clients). Injected into tests
 * and lifecycle methods of {@link SecureIngressTest} classes. Thread-safe.
 *
 * <pre>{@code
 * @Test
 * void rotation(SecureIngress ingress) {
 *     ingress.rotate("httpbin.example.com").toNewRoot().apply();
 *     assertThat(ingress.client().get("https://httpbin.example.com/status/418")).isTeapot();
 * }
 * }</pre>
 */
public final class SecureIngress {

    /** Subject of every generated root, as in the seed. */
    public static final String ROOT_SUBJECT = "O=example Inc.,CN=example.com";
    private static final String REPRODUCE_PREFIX = "reproduce with: ";

    /** Subject of the generated client credential, as in the seed. */
    public static final String CLIENT_SUBJECT = "CN=client.example.com,O=client organization";

    private final IngressCluster cluster;
    private final SecureIngressSettings settings;
    private final IngressNames names;
    private final IngressApplier applier;
    private final IngressReadiness readiness;
    private final IngressPlan plan;
    private final GatewayEndpoints endpoints;
    private final ClassCredentials credentials;
    private final Set<String> gatewayHosts = new TreeSet<>();
    private ObjectMeta primaryGateway;

    SecureIngress(IngressCluster cluster, SecureIngressSettings settings, IngressNames names) {
        this.cluster = cluster;
        this.settings = settings;
        this.names = names;
        // a kept class's objects do not carry the cluster's cleanup labels, so closing the cluster leaves them too
        this.applier = new IngressApplier(cluster.client(), names.namespace(), settings.keep() ? Map.of() : cluster.labels());
        this.readiness = new IngressReadiness(cluster.client(), settings.readyTimeout());
        this.plan = new IngressPlan(names, settings.hosts());
        this.endpoints = new GatewayEndpoints(cluster);
        this.credentials = new ClassCredentials(settings.keyAlgorithm());
    }

    /** The class's namespace: Gateway, Secrets, routes and fixtures live here. */
    public String namespace() {
        return names.namespace();
    }

    /** The generated Gateway's name (what {@code ${gateway}} stands for in manifests). */
    public String gatewayName() {
        return names.gateway();
    }

    /** The name of the Secret that holds the host's credential (what {@code ${secret:HOST}} stands for). */
    public String secretName(String hostname) {
        HostSpec.requireValidHostname(hostname);
        return names.secret(hostname);
    }

    /** The shared cluster. */
    public IngressCluster cluster() {
        return cluster;
    }

    /** The cluster's Kubernetes client (owned by the cluster: do not close it). */
    public KubernetesClient kubernetes() {
        return cluster.client();
    }

    /** The resolved settings. */
    public SecureIngressSettings settings() {
        return settings;
    }

    /** The declared hosts. */
    public List<HostSpec> hosts() {
        return plan.hosts();
    }

    // ---- PKI

    /** The root CA that issued the current host credentials and the client credential. */
    public CertificateAuthority rootCa() {
        return credentials.rootCa();
    }

    /**
     * A new, independent root CA with the same subject as {@link #rootCa()} (different key): the seed's
     * {@code example_certs2}. It does not replace the class's root; use {@link #rotate(String)} for that.
     */
    public CertificateAuthority newRootCa() {
        return credentials.newRootCa();
    }

    /** The key algorithm of generated keys. */
    public KeyAlgorithm keyAlgorithm() {
        return settings.keyAlgorithm();
    }

    /**
     * The credential the gateway currently serves for the host; issued by {@link #rootCa()} on first
     * use, replaced by rotations.
     */
    public Credential credential(String hostname) {
        HostSpec.requireValidHostname(hostname);
        return credentials.forHost(hostname);
    }

    /** Every host credential issued so far, by hostname. */
    public Map<String, Credential> credentials() {
        return credentials.byHost();
    }

    /** A client credential ({@code CN=client.example.com}) from {@link #rootCa()}, for mutual TLS. */
    public Credential clientCredential() {
        return credentials.client();
    }

    /** A client credential issued by another CA, e.g. {@code newRootCa()} for "wrong root" tests. */
    public Credential clientCredential(CertificateAuthority issuer) {
        return credentials.issueClient(issuer);
    }

    // ---- Kubernetes objects

    /**
     * Creates (or replaces) the TLS Secret {@link #secretName(String)} with the host's {@link #credential(String)};
     * {@code ca.crt} holds {@link #rootCa()} so that a MUTUAL listener verifies client certificates
     * against it (SIMPLE listeners ignore it, as Istio does).
     */
    public Secret createSecret(String hostname) {
        Credential credential = credential(hostname);
        return changing(() -> applier.apply(tlsSecret(hostname, credential)));
    }

    /**
     * Creates Secret {@code namespace/name} of type {@code kubernetes.io/tls} holding {@code credential},
     * the way {@code kubectl create -n NAMESPACE secret tls NAME --cert=... --key=...} does (no {@code ca.crt}).
     * Fails if it exists.
     */
    public Secret createTlsSecret(String namespace, String name, Credential credential) {
        return changing(() -> applier.create(SecretLayout.TLS.secrets(namespace, name, credential).get(0)));
    }

    /** Deletes Secret {@code namespace/name}, the way {@code kubectl delete secret} does. */
    public void deleteSecret(String namespace, String name) {
        changing(() -> applier.delete(new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                .endMetadata().build()));
    }

    /** Deploys a sample app into the class's namespace and waits until its Deployment is Available. */
    public void deploy(Fixture fixture) {
        deploy(fixture, namespace());
    }

    /** Deploys a sample app into {@code namespace} (e.g. {@code default}, as the seed does); it is deleted after the class. */
    public void deploy(Fixture fixture, String namespace) {
        FixtureDeployer deployer = new FixtureDeployer(kubernetes()).timeout(settings.startupTimeout());
        if (namespace.equals(namespace())) {
            deployer.deploy(fixture, applier);
        } else {
            applier.applyYaml(fixture.manifest(), "fixture " + fixture, namespace);
            deployer.awaitAvailable(namespace, fixture.deploymentName());
        }
    }

    /** Creates or replaces any object; it is deleted with the class's other objects. */
    public <T extends HasMetadata> T apply(T resource) {
        return changing(() -> applier.apply(resource));
    }

    /**
     * Applies a manifest ({@code classpath:...}, {@code file:...}) with placeholders filled in (see
     * {@link SecureIngressTest#manifests()}), then waits for its Gateways and HTTPRoutes to be ready.
     */
    public List<HasMetadata> applyManifest(String location) {
        return applyManifest(location, namespace());
    }

    /**
     * Like {@link #applyManifest(String)}, but objects without a namespace go to {@code defaultNamespace}
     * (as {@code kubectl apply} would put them into {@code default}) instead of the class's namespace.
     */
    public List<HasMetadata> applyManifest(String location, String defaultNamespace) {
        ManifestTemplate template = ManifestTemplate.load(location, Thread.currentThread().getContextClassLoader());
        return applyManifest(template, defaultNamespace);
    }

    /** Like {@link #applyManifest(String, String)} for a template already loaded. */
    public List<HasMetadata> applyManifest(ManifestTemplate template, String defaultNamespace) {
        for (String host : IngressPlaceholders.secretHosts(template)) {
            createSecret(host);
            gatewayHosts.add(host);
        }
        String yaml = IngressPlaceholders.render(template, names);
        List<HasMetadata> applied = applier.applyYaml(yaml, template.source(), defaultNamespace);
        applied.stream().filter(r -> r instanceof Gateway).findFirst().ifPresent(this::useGatewayIfNoneYet);
        endpoints.forget();
        awaitReady(applied);
        return applied;
    }

    /**
     * Waits until the Gateways and HTTPRoutes among {@code resources} are ready (other kinds are ignored),
     * then looks the gateway addresses up afresh: call it after changing a Gateway through
     * {@link #kubernetes()} directly.
     */
    public void awaitReady(List<? extends HasMetadata> resources) {
        changing(() -> readiness.awaitAll(resources));
    }

    /** Everything this class created so far (deleted after the class unless {@code keep}). */
    public List<HasMetadata> created() {
        return applier.applied();
    }

    // ---- lifecycle (driven by the extension)

    /**
     * Namespace, then fixtures and hosts side by side (each awaited; a failure of either is thrown with the
     * other's attached), then a request to each host (once the fixtures run, so that the probe does not meet a
     * backend without endpoints), then manifests.
     */
    void setUp(String owner) {
        applier.createNamespace(names.namespace(), owner);
        if (settings.fixtures().isEmpty() || plan.hosts().isEmpty()) {
            deployFixtures();
            deployHosts();
        } else {
            // the sample apps start while the hosts' secrets, Gateway and routes are applied and awaited
            CompletableFuture<Void> fixtures = CompletableFuture.runAsync(this::deployFixtures,
                    task -> new Thread(task, "secure-ingress-fixtures-" + names.namespace()).start());
            try {
                deployHosts();
            } catch (RuntimeException | Error hostsFailed) {
                failureOf(fixtures).ifPresent(hostsFailed::addSuppressed);
                throw hostsFailed;
            }
            Optional<Throwable> fixturesFailed = failureOf(fixtures);
            if (fixturesFailed.isPresent() && fixturesFailed.get() instanceof Error error) {
                throw error;
            }
            if (fixturesFailed.isPresent()) {
                throw (RuntimeException) fixturesFailed.get();
            }
        }
        for (HostSpec host : plan.hosts()) {
            awaitServing(host.hostname(), host.paths().get(0));
        }
        for (String manifest : settings.manifests()) {
            applyManifest(manifest);
        }
    }

    /** Deletes everything the class created. */
    void tearDown() {
        applier.deleteAll();
    }

    /** Waits for {@code task} (its own waits are bounded) and returns what it failed with, if it did. */
    private static Optional<Throwable> failureOf(CompletableFuture<Void> task) {
        try {
            task.join();
            return Optional.empty();
        } catch (CompletionException e) {
            return Optional.of(e.getCause());
        }
    }

    private void deployFixtures() {
        for (Fixture fixture : settings.fixtures()) {
            deploy(fixture, namespace());
        }
    }

    /** Secrets, Gateway and routes of the declared hosts, awaited until their conditions say they are ready. */
    private void deployHosts() {
        if (plan.hosts().isEmpty()) {
            return;
        }
        for (HostSpec host : plan.hosts()) {
            createSecret(host.hostname());
            gatewayHosts.add(host.hostname());
        }
        List<HasMetadata> objects = new ArrayList<>();
        Gateway gateway = applier.apply(plan.gateway());
        useGatewayIfNoneYet(gateway);
        objects.add(gateway);
        plan.routes().forEach(route -> objects.add(applier.apply(route)));
        awaitReady(objects);
    }

    /**
     * Waits until the gateway really serves the host: a fresh connection presents the host's current
     * certificate and {@code GET https://HOST/path} gets an HTTP response other than 503 (which a gateway
     * answers while the route's backend has no ready endpoints yet). Status conditions say a route is
     * accepted; this says traffic flows. The client presents {@link #clientCredential()}, so MUTUAL hosts
     * are probed too.
     *
     * @return the first such response
     * @throws dev.secureingress.cluster.WaitTimeoutException with the last status, body and certificate seen
     */
    public IngressResponse awaitServing(String hostname, String path) {
        return awaitServing(hostname, path, credential(hostname));
    }

    /**
     * Like {@link #awaitServing(String, String)} for a host whose Secret the test wrote itself (e.g. the
     * walk-through's {@code httpbin-credential} from {@code example_certs1}): waits until a fresh connection
     * is served {@code served}'s certificate, trusting its root, and the path answers other than 503.
     */
    public IngressResponse awaitServing(String hostname, String path, Credential served) {
        X509Certificate expected = served.certificate();
        String url = "https://" + hostname + path;
        return BoundedWait.<IngressResponse>forState(url + " to be served through the gateway with the host's"
                        + " certificate and a status other than 503")
                .atMost(settings.readyTimeout())
                .pollEvery(Duration.ofMillis(100))
                .describedBy(r -> "status " + r.status() + " " + firstLine(r.body()) + ", certificate "
                        + CredentialRotation.describe(r.presentedChain().isEmpty() ? null : r.presentedChain().get(0)))
                .until(() -> {
                    // a fresh look-up each time: the Gateway may only now be getting its address
                    IngressClient.Builder builder = clientBuilder(primaryGatewayAddress(true))
                            .clientCertificate(clientCredential()).freshConnections();
                    if (served.hasRoot()) {
                        builder.trustNothingYet().trust(served.root());
                    }
                    try (IngressClient client = builder.build()) {
                        return client.get(url);
                    }
                }, r -> r.status() != 503 && !r.presentedChain().isEmpty() && r.presentedChain().get(0).equals(expected));
    }

    private static String firstLine(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() > 120 ? line.substring(0, 120) + "..." : line;
    }

    private Secret tlsSecret(String hostname, Credential credential) {
        List<X509Certificate> clientCas = List.of(rootCa().certificate());
        return SecretLayout.TLS.secrets(namespace(), secretName(hostname), credential, clientCas).get(0);
    }

    // ---- rotation

    /** Starts replacing the host's credential; see {@link HostRotation}. */
    public HostRotation rotate(String hostname) {
        HostSpec.requireValidHostname(hostname);
        if (!credentials.hasHost(hostname)) {
            throw new IllegalArgumentException("cannot rotate " + hostname + ": it has no credential in namespace "
                    + namespace() + "; known hosts: " + new TreeSet<>(credentials.hosts()));
        }
        return new HostRotation(this, hostname);
    }

    synchronized CredentialRotation.Result rotate(String hostname, Credential next, CertificateAuthority newRoot,
                                                  CredentialRotation.Strategy strategy,
                                                  CredentialRotation.ServedCertificateProbe probe) {
        Credential previous = credentials.forHost(hostname);
        CertificateAuthority root = newRoot != null ? newRoot : rootCa();
        CredentialRotation rotation = new CredentialRotation(applier, probe, settings.readyTimeout());
        CredentialRotation.Result result = changing(() -> rotation.rotate(hostname, namespace(), secretName(hostname),
                previous, next, List.of(root.certificate()), strategy));
        credentials.replace(hostname, next, newRoot);
        return result;
    }

    Credential issueServerCredential(CertificateAuthority ca, String hostname) {
        return credentials.issueServer(ca, hostname);
    }

    static Credential readPemFiles(Path certificate, Path key) {
        try {
            return Credential.fromPem(Files.readString(certificate), Files.readString(key));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read PEM files " + certificate + " and " + key + ": " + e, e);
        }
    }

    // ---- reaching the gateway

    private synchronized void useGatewayIfNoneYet(HasMetadata gateway) {
        if (primaryGateway == null) {
            primaryGateway = gateway.getMetadata();
        }
    }

    /**
     * The endpoint of the class's Gateway for port 443, as {@code curl --resolve} would be told: the
     * generated Gateway when hosts are declared, else the first Gateway applied from a manifest.
     *
     * <p>Looked up once and remembered, as for {@link #gatewayAddress(String, String)}.
     *
     * @throws IllegalStateException when the class has no Gateway yet
     */
    public InetSocketAddress gatewayAddress() {
        return primaryGatewayAddress(false);
    }

    /**
     * The endpoint of any Gateway's port 443. Looked up through {@link IngressCluster#gatewayEndpoint} on
     * first use and remembered while nothing could move it: applying objects, Secrets or manifests,
     * rotations, {@link #awaitReady} and a failing test make the next call look it up again.
     */
    public InetSocketAddress gatewayAddress(String namespace, String gatewayName) {
        return endpoints.get(namespace, gatewayName, IngressPlan.HTTPS_PORT);
    }

    private InetSocketAddress primaryGatewayAddress(boolean fresh) {
        ObjectMeta gateway;
        synchronized (this) {
            gateway = primaryGateway;
        }
        if (gateway == null) {
            throw new IllegalStateException("namespace " + namespace() + " has no Gateway yet: declare hosts in "
                    + "@SecureIngressTest(hosts = ...) or apply a manifest with a Gateway first");
        }
        return fresh ? endpoints.refresh(gateway.getNamespace(), gateway.getName(), IngressPlan.HTTPS_PORT)
                : gatewayAddress(gateway.getNamespace(), gateway.getName());
    }

    /** Forgets the gateway addresses looked up so far (after a failure: the next test looks them up again). */
    void forgetGatewayAddresses() {
        endpoints.forget();
    }

    /** Makes a change that could move a gateway (or waits for one): the addresses are looked up afresh after it. */
    private <T> T changing(Supplier<T> change) {
        try {
            return change.get();
        } finally {
            endpoints.forget();
        }
    }

    private void changing(Runnable change) {
        changing(() -> {
            change.run();
            return null;
        });
    }

    /**
     * A client builder set up for this class: trusts {@link #rootCa()} only, resolves every host to
     * {@link #gatewayAddress()} (logical port 443), with the configured request timeout; the PEM files of
     * curl lines in failure messages go to {@code <diagnostics-dir>/curl-files}. Add a client
     * certificate, other trust or fresh connections, then build; close what you build.
     */
    public IngressClient.Builder clientBuilder() {
        return clientBuilder(gatewayAddress());
    }

    private IngressClient.Builder clientBuilder(InetSocketAddress gateway) {
        Duration timeout = settings.requestTimeout();
        return IngressClient.builder()
                .trust(rootCa())
                .resolveAll(gateway)
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .callTimeout(timeout.multipliedBy(2))
                .curlFilesDirectory(settings.diagnosticsDir().resolve("curl-files"));
    }

    /** A client from {@link #clientBuilder()}; pooled connections. Close it when done. */
    public IngressClient client() {
        return clientBuilder().build();
    }

    /**
     * Reads the certificate the gateway presents on a fresh connection with SNI {@code hostname},
     * trusted or not (for rotations). Fails when the handshake yields no certificate.
     */
    CredentialRotation.ServedCertificateProbe servedCertificateProbe() {
        return hostname -> {
            try (IngressClient probe = clientBuilder(primaryGatewayAddress(true)).freshConnections().build()) {
                HandshakeResult result = probe.probe(hostname);
                if (result.presentedChain().isEmpty()) {
                    throw new IllegalStateException("no certificate presented: " + result.failure().map(Object::toString).orElse("?"));
                }
                return result.presentedChain().get(0);
            }
        };
    }

    /**
     * The curl line that reproduces the failing request, its files written to {@code directory}: the one
     * carried by an {@link IngressRequestException} among the failure's causes (a request that got no
     * response), else the {@code reproduce with: curl ...} line of an assertion's message.
     */
    static Optional<String> curlFor(Throwable failure, Path directory) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IngressRequestException e) {
                CurlCommand curl = e.curl();
                try {
                    return Optional.of(curl.withFilesIn(directory.resolve("curl-files")).writeFiles().commandLine());
                } catch (RuntimeException notWritten) {
                    return Optional.of(curl.commandLine());
                }
            }
        }
        String message = String.valueOf(failure.getMessage());
        return message.lines().map(String::trim).filter(line -> line.startsWith(REPRODUCE_PREFIX))
                .map(line -> line.substring(REPRODUCE_PREFIX.length())).findFirst();
    }

    @Override
    public String toString() {
        return "SecureIngress[namespace=" + namespace() + ", gateway=" + gatewayName() + ", backend="
                + cluster.backendName() + ", hosts=" + gatewayHosts + "]";
    }
}

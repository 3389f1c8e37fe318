package dev.secureingress.cluster.kubeconfig;

import dev.secureingress.ingress.IngressApplier;
import dev.secureingress.ingress.IngressNames;
import dev.secureingress.cluster.ConditionReport;
import dev.secureingress.cluster.IngressCluster;
import dev.secureingress.cluster.k3s.GatewayDiagnostics;
import dev.secureingress.cluster.k3s.IstioVersions;
import dev.secureingress.cluster.k3s.K3sInstallPlan;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An existing cluster with Istio and the Gateway API, reached through a kubeconfig: how the tests scale
 * out to real, multi-node clusters.
 *
 * <pre>{@code
 * try (KubeconfigCluster cluster = KubeconfigCluster.builder()
 *         .kubeconfig(Path.of(System.getenv("HOME"), ".kube/config"))
 *         .context("staging")
 *         .namespacePrefix("si-")
 *         .start()) {                                   // verifies CRDs, istiod and GatewayClass istio
 *     String ns = cluster.createNamespace("teapot");    // si-teapot, labelled, deleted on close
 *     ...
 * }
 * }</pre>
 *
 * <p>Gateways are reached at their status address when the test JVM can connect to it, else through a
 * port-forward to a gateway pod. Everything this class creates carries {@link #labels()} and is deleted
 * by {@link #close()}: the namespaces from {@link #createNamespace} or labelled with this run's id, and any
 * Secret, ConfigMap, Service, Deployment, Gateway, HTTPRoute or ReferenceGrant labelled with it.
 */
public final class KubeconfigCluster implements IngressCluster {

    private static final Logger LOG = LoggerFactory.getLogger(KubeconfigCluster.class);
    /** Label whose value identifies one run of the tests against the cluster. */
    public static final String RUN_LABEL = "secure-ingress.dev/run";
    private static final Pattern RELEASE = Pattern.compile("(\\d+\\.\\d+\\.\\d+)");

    /** How the test JVM reaches a gateway. */
    public enum GatewayAccess {
        /** The status address when it accepts a connection from here, else a port-forward. */
        AUTO,
        /** Always the Gateway's status address. */
        STATUS_ADDRESS,
        /** Always a port-forward to a gateway pod through the API server. */
        PORT_FORWARD
    }

    private final KubernetesClient client;
    private final String describedAs;
    private final String namespacePrefix;
    private final String istioNamespace;
    private final GatewayAccess access;
    private final Duration connectTimeout;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> createdNamespaces = new ArrayList<>();
    private final Map<String, LocalPortForward> portForwards = new ConcurrentHashMap<>();
    private final Map<String, InetSocketAddress> endpoints = new ConcurrentHashMap<>();

    private KubeconfigCluster(Builder builder, KubernetesClient client) {
        this.client = client;
        this.describedAs = describe(client, builder);
        this.namespacePrefix = builder.namespacePrefix;
        this.istioNamespace = builder.istioNamespace;
        this.access = builder.access;
        this.connectTimeout = builder.connectTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String backendName() {
        return "kubeconfig";
    }

    @Override
    public KubernetesClient client() {
        return client;
    }

    /** The labels to put on everything the tests create, so that {@link #close()} finds and deletes it. */
    @Override
    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(IngressApplier.MANAGED_BY_LABEL, IngressApplier.MANAGED_BY_VALUE);
        labels.put(RUN_LABEL, runId);
        return labels;
    }

    /** This run's id, the value of {@link #RUN_LABEL}. */
    public String runId() {
        return runId;
    }

    /** The namespace name for {@code name}: the prefix, then the name. */
    public String namespaceName(String name) {
        return namespacePrefix + name;
    }

    /**
     * Creates namespace {@link #namespaceName(String) prefix+name}, labelled with {@link #labels()}; it
     * is deleted on {@link #close()}.
     *
     * @return the namespace's name
     */
    public synchronized String createNamespace(String name) {
        String full = namespaceName(name);
        Namespace namespace = new NamespaceBuilder().withNewMetadata().withName(full).addToLabels(labels()).endMetadata().build();
        client.resource(namespace).create();
        createdNamespaces.add(full);
        return full;
    }

    /**
     * The Gateway's status address and the listener port when reachable from here (or when configured
     * so), else a local port forwarded to a gateway pod.
     */
    @Override
    public InetSocketAddress gatewayEndpoint(String namespace, String gatewayName, int listenerPort) {
        return endpoints.computeIfAbsent(namespace + "/" + gatewayName + ":" + listenerPort, key -> {
            Gateway gateway = client.resources(Gateway.class).inNamespace(namespace).withName(gatewayName).get();
            if (gateway == null) {
                throw new IllegalStateException("Gateway " + namespace + "/" + gatewayName + " not found in " + describedAs);
            }
            Optional<String> address = statusAddress(gateway);
            if (access != GatewayAccess.PORT_FORWARD) {
                if (address.isEmpty() && access == GatewayAccess.STATUS_ADDRESS) {
                    throw new IllegalStateException("Gateway " + namespace + "/" + gatewayName
                            + " has no status address yet (" + ConditionReport.of(gateway) + ")");
                }
                if (address.isPresent()) {
                    InetSocketAddress direct = new InetSocketAddress(address.get(), listenerPort);
                    if (access == GatewayAccess.STATUS_ADDRESS || accepts(direct)) {
                        return direct;
                    }
                    LOG.info("Gateway {}/{} status address {}:{} does not accept connections from here; port-forwarding",
                            namespace, gatewayName, address.get(), listenerPort);
                }
            }
            return portForward(namespace, gatewayName, listenerPort);
        });
    }

    /** Writes the gateway pods' logs in {@code namespace} and istiod's logs. */
    @Override
    public void writeDiagnostics(String namespace, Path directory) {
        GatewayDiagnostics.writePodLogs(client, namespace, istioNamespace, directory);
    }

    /** Closes port-forwards, deletes what this run created, then closes the client. */
    @Override
    public void close() {
        portForwards.values().forEach(forward -> {
            try {
                forward.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing port-forward failed: {}", e.toString());
            }
        });
        portForwards.clear();
        try {
            deleteLabelled();
            synchronized (this) {
                for (String namespace : createdNamespaces) {
                    client.namespaces().withName(namespace).delete();
                }
                createdNamespaces.clear();
            }
            client.namespaces().withLabel(RUN_LABEL, runId).delete();
        } catch (KubernetesClientException e) {
            LOG.warn("Cleaning up run {} in {} failed: {}; delete leftovers with: kubectl delete ns,secret,cm,svc,deploy,"
                    + "gateway,httproute,referencegrant -A -l {}={}", runId, describedAs, e.getMessage(), RUN_LABEL, runId);
        } finally {
            client.close();
        }
    }

    private void deleteLabelled() {
        List<Class<? extends HasMetadata>> kinds = List.of(HTTPRoute.class, Gateway.class, ReferenceGrant.class,
                io.fabric8.kubernetes.api.model.Secret.class, io.fabric8.kubernetes.api.model.ConfigMap.class,
                Service.class, Deployment.class);
        for (Class<? extends HasMetadata> kind : kinds) {
            client.resources(kind).inAnyNamespace().withLabel(RUN_LABEL, runId).delete();
        }
    }

    private boolean accepts(InetSocketAddress address) {
        if (address.isUnresolved()) {
            return false;
        }
        try (Socket socket = new Socket()) {
            socket.connect(address, (int) connectTimeout.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private InetSocketAddress portForward(String namespace, String gatewayName, int listenerPort) {
        Pod pod = client.pods().inNamespace(namespace).withLabel(GatewayDiagnostics.GATEWAY_NAME_LABEL, gatewayName)
                .list().getItems().stream()
                .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("Cannot reach Gateway " + namespace + "/" + gatewayName
                        + ": no usable status address and no running pod labelled "
                        + GatewayDiagnostics.GATEWAY_NAME_LABEL + "=" + gatewayName + " to port-forward to"));
        int podPort = podPort(namespace, gatewayName, listenerPort, pod);
        LocalPortForward forward = client.pods().inNamespace(namespace).withName(pod.getMetadata().getName())
                .portForward(podPort, InetAddress.getLoopbackAddress(), 0);
        portForwards.put(namespace + "/" + gatewayName + ":" + listenerPort, forward);
        LOG.info("Gateway {}/{} port {} reached through a port-forward to pod {} port {} at {}:{}", namespace, gatewayName,
                listenerPort, pod.getMetadata().getName(), podPort, forward.getLocalAddress().getHostAddress(), forward.getLocalPort());
        return new InetSocketAddress(forward.getLocalAddress(), forward.getLocalPort());
    }

    /** The pod port behind the listener port: the target port of Istio's {@code <gateway>-istio} Service. */
    private int podPort(String namespace, String gatewayName, int listenerPort, Pod pod) {
        Service service = client.services().inNamespace(namespace).withName(gatewayName + "-istio").get();
        if (service == null || service.getSpec() == null || service.getSpec().getPorts() == null) {
            return listenerPort;
        }
        for (ServicePort port : service.getSpec().getPorts()) {
            if (Objects.equals(port.getPort(), listenerPort) && port.getTargetPort() != null) {
                IntOrString target = port.getTargetPort();
                if (target.getIntVal() != null) {
                    return target.getIntVal();
                }
                return pod.getSpec().getContainers().stream()
                        .flatMap(c -> c.getPorts() == null ? java.util.stream.Stream.empty() : c.getPorts().stream())
                        .filter(p -> target.getStrVal().equals(p.getName()))
                        .map(io.fabric8.kubernetes.api.model.ContainerPort::getContainerPort)
                        .findFirst()
                        .orElse(listenerPort);
            }
        }
        return listenerPort;
    }

    private static Optional<String> statusAddress(Gateway gateway) {
        if (gateway.getStatus() == null || gateway.getStatus().getAddresses() == null) {
            return Optional.empty();
        }
        return gateway.getStatus().getAddresses().stream()
                .map(a -> a.getValue())
                .filter(v -> v != null && !v.isBlank())
                .findFirst();
    }

    private static String describe(KubernetesClient client, Builder builder) {
        return client.getMasterUrl() + (builder.context == null ? "" : " (context " + builder.context + ")");
    }

    /**
     * Checks that the cluster has the Gateway API CRDs, an Available istiod and the {@code istio}
     * GatewayClass; warns when the installed CRD release is not the one the Istio release supports.
     *
     * @throws MissingPrerequisitesException naming each missing piece and how to install it
     */
    void verify() {
        List<String> missing = new ArrayList<>();
        String bundleVersion = null;
        for (String crdName : K3sInstallPlan.GATEWAY_API_CRDS) {
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().withName(crdName).get();
            if (crd == null) {
                missing.add("Gateway API CRD " + crdName + " is not installed");
            } else if (bundleVersion == null && crd.getMetadata().getAnnotations() != null) {
                bundleVersion = crd.getMetadata().getAnnotations().get("gateway.networking.k8s.io/bundle-version");
            }
        }
        Deployment istiod = client.apps().deployments().inNamespace(istioNamespace).withName("istiod").get();
        String istioRelease = null;
        if (istiod == null) {
            missing.add("Istio is not installed: no Deployment " + istioNamespace + "/istiod");
        } else {
            if (!ConditionReport.<Deployment>hasCondition("Available", "True").test(istiod)) {
                missing.add("istiod is not Available: " + ConditionReport.of(istiod));
            }
            istioRelease = istiod.getSpec().getTemplate().getSpec().getContainers().stream()
                    .map(c -> RELEASE.matcher(c.getImage() == null ? "" : c.getImage()))
                    .filter(Matcher::find)
                    .map(m -> m.group(1))
                    .findFirst().orElse(null);
        }
        boolean crdsPresent = missing.stream().noneMatch(m -> m.startsWith("Gateway API CRD"));
        if (crdsPresent && client.resources(GatewayClass.class).withName("istio").get() == null) {
            missing.add("GatewayClass istio does not exist (istiod creates it when it starts with the Gateway API CRDs present)");
        }
        if (!missing.isEmpty()) {
            IstioVersions suggested = istioRelease == null ? IstioVersions.defaults() : suggestion(istioRelease);
            throw new MissingPrerequisitesException(describedAs, missing, List.of(
                    "Gateway API CRDs: kubectl apply --server-side -f " + suggested.gatewayApiStandardInstallUrl(),
                    "Istio: helm install istio-base base --repo https://istio-release.storage.googleapis.com/charts"
                            + " --version " + suggested.istio() + " -n " + istioNamespace + " --create-namespace"
                            + " && helm install istiod istiod --repo https://istio-release.storage.googleapis.com/charts"
                            + " --version " + suggested.istio() + " -n " + istioNamespace + " --wait",
                    "GatewayClass istio: install the CRDs before istiod, or restart it: kubectl -n " + istioNamespace
                            + " rollout restart deployment/istiod",
                    "No cluster at hand? Run on k3s (-Dsecure-ingress.backend=k3s, needs Docker) or in the JVM "
                            + "(-Dsecure-ingress.backend=embedded)"));
        }
        if (istioRelease != null && bundleVersion != null && !IstioVersions.compatible(istioRelease, bundleVersion)) {
            LOG.warn("Istio {} supports Gateway API {}, but the cluster's CRDs are {}; gateways may misbehave",
                    istioRelease, IstioVersions.supportedGatewayApi(istioRelease).orElse("(unknown)"), bundleVersion);
        }
        LOG.info("Cluster {}: Gateway API CRDs {}, Istio {} in {}, GatewayClass istio present", describedAs,
                bundleVersion == null ? "(no bundle-version)" : bundleVersion, istioRelease == null ? "(unknown)" : istioRelease,
                istioNamespace);
    }

    private static IstioVersions suggestion(String istioRelease) {
        try {
            return IstioVersions.forIstio(istioRelease);
        } catch (IllegalArgumentException outsideTable) {
            return IstioVersions.defaults();
        }
    }

    /** Fluent configuration; without settings, the usual kubeconfig lookup and its current context. */
    public static final class Builder {
        private Path kubeconfig;
        private String context;
        private String namespacePrefix = "secure-ingress-";
        private String istioNamespace = "istio-system";
        private GatewayAccess access = GatewayAccess.AUTO;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Config config;

        private Builder() {
        }

        /** The kubeconfig file; unless set, {@code KUBECONFIG} or {@code ~/.kube/config} as kubectl finds it. */
        public Builder kubeconfig(Path kubeconfig) {
            this.kubeconfig = kubeconfig;
            return this;
        }

        /** The kubeconfig context; its current context unless set. */
        public Builder context(String context) {
            this.context = context;
            return this;
        }

        /** Prefix of the namespaces {@link #createNamespace} creates; {@code secure-ingress-} unless set. */
        public Builder namespacePrefix(String prefix) {
            IngressNames.namespacePrefixProblem(prefix).ifPresent(problem -> {
                throw new IllegalArgumentException("namespace prefix '" + prefix + "' " + problem);
            });
            this.namespacePrefix = prefix;
            return this;
        }

        /** Where istiod runs; {@code istio-system} unless set. */
        public Builder istioNamespace(String namespace) {
            this.istioNamespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        /** How gateways are reached; {@link GatewayAccess#AUTO} unless set. */
        public Builder gatewayAccess(GatewayAccess access) {
            this.access = Objects.requireNonNull(access, "access");
            return this;
        }

        /** How long a connection to a status address may take before {@code AUTO} port-forwards; 2 s unless set. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** A ready-made client configuration instead of a kubeconfig file. */
        public Builder config(Config config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Connects and verifies the cluster.
         *
         * @throws MissingPrerequisitesException when CRDs, istiod or the GatewayClass are missing
         * @throws IllegalArgumentException      when the kubeconfig or context does not exist
         */
        public KubeconfigCluster start() {
            KubernetesClient client = new KubernetesClientBuilder().withConfig(resolveConfig()).build();
            KubeconfigCluster cluster = new KubeconfigCluster(this, client);
            try {
                cluster.verify();
            } catch (RuntimeException e) {
                client.close();
                if (e instanceof KubernetesClientException k) {
                    throw new IllegalStateException("Cannot reach the cluster at " + cluster.describedAs + ": "
                            + k.getMessage() + ". Check the kubeconfig (secure-ingress.kubeconfig) and context", k);
                }
                throw e;
            }
            return cluster;
        }

        private Config resolveConfig() {
            if (config != null) {
                return config;
            }
            if (kubeconfig == null) {
                return Config.autoConfigure(context);
            }
            if (!Files.isRegularFile(kubeconfig)) {
                throw new IllegalArgumentException("kubeconfig " + kubeconfig.toAbsolutePath()
                        + " does not exist; set secure-ingress.kubeconfig to an existing file");
            }
            String yaml;
            try {
                yaml = Files.readString(kubeconfig);
            } catch (IOException e) {
                throw new IllegalArgumentException("kubeconfig " + kubeconfig.toAbsolutePath() + " cannot be read: " + e, e);
            }
            if (context != null) {
                List<String> contexts = contextNames(yaml);
                if (!contexts.contains(context)) {
                    throw new IllegalArgumentException("kubeconfig " + kubeconfig.toAbsolutePath() + " has no context '"
                            + context + "' (it has " + contexts + "); list them with: kubectl --kubeconfig "
                            + kubeconfig + " config get-contexts");
                }
            }
            return Config.fromKubeconfig(context, yaml, kubeconfig.toAbsolutePath().toString());
        }
    }

    private static List<String> contextNames(String kubeconfigYaml) {
        io.fabric8.kubernetes.api.model.Config parsed =
                Serialization.unmarshal(kubeconfigYaml, io.fabric8.kubernetes.api.model.Config.class);
        if (parsed == null || parsed.getContexts() == null) {
            return List.of();
        }
        return parsed.getContexts().stream().map(io.fabric8.kubernetes.api.model.NamedContext::getName).toList();
    }
}

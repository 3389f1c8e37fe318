package dev.secureingress.ingress;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Applies Kubernetes objects through fabric8 (create, or update when they exist) and remembers every
 * object it applied, so that {@link #deleteAll()} removes exactly what a test class created, newest
 * first, namespaces last. Objects without a namespace land in the default namespace given here.
 * Optional labels (for example {@link dev.secureingress.cluster.IngressCluster#labels()}) are put on every
 * object it applies. Thread-safe.
 */
public final class IngressApplier {

    /** How often {@link #apply} tries a replace that conflicts with another writer. */
    private static final int APPLY_ATTEMPTS = 5;

    /** Label put on namespaces this library creates. */
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "secure-ingress";

    private static final Logger LOG = LoggerFactory.getLogger(IngressApplier.class);

    private final KubernetesClient client;
    private final String defaultNamespace;
    private final Map<String, String> labels;
    private final List<HasMetadata> applied = Collections.synchronizedList(new ArrayList<>());

    public IngressApplier(KubernetesClient client, String defaultNamespace) {
        this(client, defaultNamespace, Map.of());
    }

    /**
     * @param labels put on every object applied or created through this applier (kept when the object
     *               has a label of the same name)
     */
    public IngressApplier(KubernetesClient client, String defaultNamespace, Map<String, String> labels) {
        this.client = Objects.requireNonNull(client, "client");
        this.defaultNamespace = Objects.requireNonNull(defaultNamespace, "defaultNamespace");
        this.labels = Map.copyOf(labels);
    }

    /** The namespace objects without one are applied to. */
    public String defaultNamespace() {
        return defaultNamespace;
    }

    /** Creates the namespace (labelled as managed by secure-ingress) and remembers it for deletion. */
    public Namespace createNamespace(String name, String owner) {
        Namespace namespace = new NamespaceBuilder()
                .withNewMetadata().withName(name)
                .addToLabels(MANAGED_BY_LABEL, MANAGED_BY_VALUE)
                .addToLabels("kubernetes.io/metadata.name", name)
                .addToAnnotations("secure-ingress.dev/owner", owner)
                .endMetadata()
                .build();
        return apply(namespace);
    }

    /**
     * Creates the object or, when it exists, replaces it; returns what the server stored. A replace that loses
     * the race with another writer (a controller writing the object's status between our read and our write) is
     * tried again on the newer version, up to {@value #APPLY_ATTEMPTS} times, as {@code kubectl apply} never fails
     * on such a race.
     */
    public <T extends HasMetadata> T apply(T resource) {
        T withNamespace = labelled(resource);
        T stored = null;
        for (int attempt = 1; stored == null; attempt++) {
            try {
                stored = client.resource(withNamespace).createOr(NonDeletingOperation::update);
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == APPLY_ATTEMPTS) {
                    throw new IllegalStateException("cannot apply " + describe(withNamespace)
                            + (attempt > 1 ? " (attempt " + attempt + ")" : "") + ": " + e.getMessage(), e);
                }
            }
        }
        remember(withNamespace);
        return stored;
    }

    /** Creates the object; fails when it already exists (the way {@code kubectl create} does). */
    public <T extends HasMetadata> T create(T resource) {
        T withNamespace = labelled(resource);
        T stored;
        try {
            stored = client.resource(withNamespace).create();
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("cannot create " + describe(withNamespace) + ": " + e.getMessage(), e);
        }
        remember(withNamespace);
        return stored;
    }

    /** True when the object exists on the server. */
    public boolean exists(HasMetadata resource) {
        return client.resource(inDefaultNamespace(resource)).get() != null;
    }

    /** Deletes the object now (it stays remembered; deleting it again at the end is harmless). */
    public void delete(HasMetadata resource) {
        deleteQuietly(inDefaultNamespace(resource));
    }

    /**
     * Parses multi-document YAML (any kinds fabric8 knows, custom resources included) and applies each
     * object in order.
     *
     * @throws IllegalArgumentException naming {@code source} when the YAML cannot be parsed
     */
    public List<HasMetadata> applyYaml(String yaml, String source) {
        return applyYaml(yaml, source, defaultNamespace);
    }

    /** Like {@link #applyYaml(String, String)} with objects without a namespace going to {@code namespace}. */
    public List<HasMetadata> applyYaml(String yaml, String source, String namespace) {
        List<HasMetadata> items;
        try {
            items = client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("manifest " + source + " is not valid Kubernetes YAML: " + e.getMessage(), e);
        }
        List<HasMetadata> stored = new ArrayList<>();
        for (HasMetadata item : items) {
            if (item == null) {
                continue;
            }
            if (item.getMetadata() == null || item.getMetadata().getName() == null) {
                throw new IllegalArgumentException("manifest " + source + ": a " + item.getKind() + " has no metadata.name");
            }
            if (item instanceof Namespaced && item.getMetadata().getNamespace() == null) {
                item.getMetadata().setNamespace(namespace);
            }
            stored.add(apply(item));
        }
        return stored;
    }

    /** Every object applied so far, oldest first. */
    public List<HasMetadata> applied() {
        synchronized (applied) {
            return List.copyOf(applied);
        }
    }

    /**
     * Deletes everything applied through this applier, newest first and namespaces last, ignoring
     * objects already gone. Failures are logged and do not stop the cleanup.
     */
    public void deleteAll() {
        List<HasMetadata> newestFirst = new ArrayList<>(applied());
        Collections.reverse(newestFirst);
        List<HasMetadata> namespaces = newestFirst.stream().filter(r -> r instanceof Namespace).toList();
        newestFirst.removeAll(namespaces);
        newestFirst.forEach(this::deleteQuietly);
        namespaces.forEach(this::deleteQuietly);
        applied.clear();
    }

    private void deleteQuietly(HasMetadata resource) {
        try {
            client.resource(resource).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                LOG.warn("Could not delete {}: {}", describe(resource), e.getMessage());
            }
        }
    }

    private void remember(HasMetadata resource) {
        synchronized (applied) {
            boolean known = applied.stream().anyMatch(r -> sameObject(r, resource));
            if (!known) {
                applied.add(resource);
            }
        }
    }

    private <T extends HasMetadata> T inDefaultNamespace(T resource) {
        if (resource instanceof Namespaced && resource.getMetadata().getNamespace() == null) {
            resource.getMetadata().setNamespace(defaultNamespace);
        }
        return resource;
    }

    /** {@link #inDefaultNamespace} with this applier's labels added: what apply and create send. */
    private <T extends HasMetadata> T labelled(T resource) {
        T placed = inDefaultNamespace(resource);
        if (!labels.isEmpty()) {
            Map<String, String> merged = new LinkedHashMap<>(labels);
            if (placed.getMetadata().getLabels() != null) {
                merged.putAll(placed.getMetadata().getLabels());
            }
            placed.getMetadata().setLabels(merged);
        }
        return placed;
    }

    private static boolean sameObject(HasMetadata a, HasMetadata b) {
        return Objects.equals(a.getApiVersion(), b.getApiVersion()) && Objects.equals(a.getKind(), b.getKind())
                && Objects.equals(a.getMetadata().getNamespace(), b.getMetadata().getNamespace())
                && Objects.equals(a.getMetadata().getName(), b.getMetadata().getName());
    }

    /** {@code Kind namespace/name} or {@code Kind name}. */
    public static String describe(HasMetadata resource) {
        String ns = resource.getMetadata().getNamespace();
        return resource.getKind() + " " + (ns == null ? "" : ns + "/") + resource.getMetadata().getName();
    }
}

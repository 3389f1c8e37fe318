package dev.secureingress.ingress;

import dev.secureingress.cluster.ConditionReport;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Writes what a human needs to see why an ingress misbehaves, without secret material: per namespace,
 * {@code summary.txt} (every Gateway and HTTPRoute with its conditions, every Secret with its type and
 * keys), {@code gateways.yaml}, {@code httproutes.yaml}, {@code services.yaml}, {@code pods.yaml}
 * (spec and status) and {@code events.txt} (oldest first). Secret {@code data} is never written.
 */
public final class IngressDiagnostics {

    private final KubernetesClient client;

    public IngressDiagnostics(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Writes the dump of {@code namespace} into {@code directory} (created if needed). A resource kind that
     * cannot be read is noted in the summary instead of failing the dump.
     *
     * @return the summary file
     */
    public Path write(String namespace, Path directory) {
        try {
            Files.createDirectories(directory);
            StringBuilder summary = new StringBuilder("Namespace " + namespace + "\n");
            List<Gateway> gateways = read(summary, "Gateways",
                    () -> client.resources(Gateway.class).inNamespace(namespace).list().getItems());
            List<HTTPRoute> routes = read(summary, "HTTPRoutes",
                    () -> client.resources(HTTPRoute.class).inNamespace(namespace).list().getItems());
            List<Secret> secrets = read(summary, "Secrets",
                    () -> client.secrets().inNamespace(namespace).list().getItems());
            summary.append("\nGateways:\n");
            gateways.forEach(g -> summary.append("  ").append(ConditionReport.of(g)).append('\n')
                    .append("    addresses: ").append(g.getStatus() == null ? "[]" : g.getStatus().getAddresses()).append('\n'));
            summary.append("\nHTTPRoutes:\n");
            routes.forEach(r -> summary.append("  ").append(ConditionReport.of(r)).append('\n'));
            summary.append("\nSecrets (data not shown):\n");
            secrets.forEach(s -> summary.append("  ").append(describeSecret(s)).append('\n'));

            writeYaml(directory.resolve("gateways.yaml"), gateways);
            writeYaml(directory.resolve("httproutes.yaml"), routes);
            writeYaml(directory.resolve("services.yaml"), read(summary, "Services",
                    () -> client.services().inNamespace(namespace).list().getItems()));
            writeYaml(directory.resolve("pods.yaml"), read(summary, "Pods",
                    () -> client.pods().inNamespace(namespace).list().getItems()));
            List<Event> events = new ArrayList<>(read(summary, "Events",
                    () -> client.v1().events().inNamespace(namespace).list().getItems()));
            events.sort(Comparator.comparing(IngressDiagnostics::eventTime, Comparator.nullsFirst(Comparator.naturalOrder())));
            StringBuilder eventLines = new StringBuilder();
            events.forEach(e -> eventLines.append(eventTime(e)).append(' ').append(e.getType()).append(' ')
                    .append(e.getReason()).append(' ').append(e.getInvolvedObject().getKind()).append('/')
                    .append(e.getInvolvedObject().getName()).append(": ").append(e.getMessage()).append('\n'));
            Files.writeString(directory.resolve("events.txt"), eventLines.length() == 0 ? "(no events)\n" : eventLines);
            Path summaryFile = directory.resolve("summary.txt");
            Files.writeString(summaryFile, summary);
            return summaryFile;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write diagnostics to " + directory, e);
        }
    }

    /** {@code Secret ns/name type=... keys=[...]} - never the data. */
    public static String describeSecret(Secret secret) {
        List<String> keys = new ArrayList<>();
        if (secret.getData() != null) {
            keys.addAll(secret.getData().keySet());
        }
        if (secret.getStringData() != null) {
            keys.addAll(secret.getStringData().keySet());
        }
        return "Secret " + secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName()
                + " type=" + secret.getType() + " keys=" + keys.stream().sorted().toList();
    }

    private static <T> List<T> read(StringBuilder summary, String what, Supplier<List<T>> reader) {
        try {
            return reader.get();
        } catch (RuntimeException e) {
            summary.append("(could not list ").append(what).append(": ").append(e.getMessage()).append(")\n");
            return List.of();
        }
    }

    private static void writeYaml(Path file, List<? extends HasMetadata> resources) throws IOException {
        StringBuilder yaml = new StringBuilder();
        for (HasMetadata r : resources) {
            yaml.append(Serialization.asYaml(r));
        }
        Files.writeString(file, yaml.length() == 0 ? "# none\n" : yaml);
    }

    private static String eventTime(Event e) {
        if (e.getLastTimestamp() != null) {
            return e.getLastTimestamp();
        }
        if (e.getEventTime() != null && e.getEventTime().getTime() != null) {
            return e.getEventTime().getTime();
        }
        return e.getFirstTimestamp();
    }
}

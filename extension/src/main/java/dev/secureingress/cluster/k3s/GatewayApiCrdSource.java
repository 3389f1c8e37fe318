package dev.secureingress.cluster.k3s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where the Gateway API CRD manifests ({@code standard-install.yaml}) come from: the release URL, a
 * file, or a classpath resource for offline runs.
 *
 * <pre>{@code
 * GatewayApiCrdSource.release(IstioVersions.defaults());           // downloads v1.3.0's standard-install.yaml
 * GatewayApiCrdSource.file(Path.of("ci/standard-install.yaml"));    // offline
 * GatewayApiCrdSource.classpath("/gateway-api/standard-install.yaml");
 * }</pre>
 */
public final class GatewayApiCrdSource {

    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(60);

    private final String location;
    private final Loader loader;

    private GatewayApiCrdSource(String location, Loader loader) {
        this.location = location;
        this.loader = loader;
    }

    /** The standard-channel release manifest of the Gateway API version in {@code versions}. */
    public static GatewayApiCrdSource release(IstioVersions versions) {
        return url(URI.create(versions.gatewayApiStandardInstallUrl()));
    }

    /** A manifest downloaded from {@code uri} (http, https or file). */
    public static GatewayApiCrdSource url(URI uri) {
        Objects.requireNonNull(uri, "uri");
        return new GatewayApiCrdSource(uri.toString(), () -> download(uri));
    }

    /** A manifest on disk, e.g. a copy of {@code standard-install.yaml} kept for offline CI. */
    public static GatewayApiCrdSource file(Path path) {
        Objects.requireNonNull(path, "path");
        return new GatewayApiCrdSource(path.toAbsolutePath().toString(), () -> {
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("Gateway API CRD file " + path.toAbsolutePath()
                        + " does not exist; download standard-install.yaml of the release you want from "
                        + "https://github.com/kubernetes-sigs/gateway-api/releases and point to it");
            }
            return Files.readString(path);
        });
    }

    /** A manifest on the classpath, e.g. {@code /gateway-api/standard-install.yaml}. */
    public static GatewayApiCrdSource classpath(String resource) {
        Objects.requireNonNull(resource, "resource");
        String absolute = resource.startsWith("/") ? resource : "/" + resource;
        return new GatewayApiCrdSource("classpath:" + absolute, () -> {
            try (InputStream in = GatewayApiCrdSource.class.getResourceAsStream(absolute)) {
                if (in == null) {
                    throw new IllegalArgumentException("Gateway API CRD resource " + absolute
                            + " is not on the classpath; add standard-install.yaml to your test resources under that path");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        });
    }

    /** Where the manifests are read from (URL, absolute path or {@code classpath:/...}). */
    public String location() {
        return location;
    }

    /** Reads and parses the manifests. */
    public List<HasMetadata> load() {
        String yaml;
        try {
            yaml = loader.load();
        } catch (IOException e) {
            throw new IllegalStateException("Could not read the Gateway API CRDs from " + location + ": " + e
                    + ". Offline? Keep a copy of standard-install.yaml and use GatewayApiCrdSource.file(...) "
                    + "(system property secure-ingress.k3s.gateway-api-crds=<path>)", e);
        }
        List<HasMetadata> items = parse(yaml);
        if (items.stream().noneMatch(item -> "CustomResourceDefinition".equals(item.getKind()))) {
            throw new IllegalStateException("The Gateway API manifest at " + location
                    + " holds no CustomResourceDefinition; is it standard-install.yaml?");
        }
        return items;
    }

    @Override
    public String toString() {
        return location;
    }

    /** Parses a multi-document manifest into typed resources (unknown kinds become generic resources). */
    static List<HasMetadata> parse(String yaml) {
        Object parsed = Serialization.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        if (parsed instanceof KubernetesList list) {
            return list.getItems();
        }
        if (parsed instanceof List<?> list) {
            return list.stream().filter(HasMetadata.class::isInstance).map(HasMetadata.class::cast).toList();
        }
        if (parsed instanceof HasMetadata single) {
            return List.of(single);
        }
        return List.of();
    }

    private static String download(URI uri) throws IOException {
        if ("file".equals(uri.getScheme())) {
            return Files.readString(Path.of(uri));
        }
        HttpClient http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(DOWNLOAD_TIMEOUT).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " from " + uri);
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + uri, e);
        }
    }

    @FunctionalInterface
    private interface Loader {
        String load() throws IOException;
    }
}

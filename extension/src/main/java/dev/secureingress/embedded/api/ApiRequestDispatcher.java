package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.net.HttpURLConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fronts fabric8's CRUD dispatcher with what a real API server adds: {@code /version}, the
 * {@code kubernetes.io/metadata.name} label on every namespace, and an in-process way to seed objects.
 */
final class ApiRequestDispatcher extends Dispatcher {

    static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    private static final Pattern NAMESPACE_PATH = Pattern.compile("^/api/v1/namespaces(/(?<name>[^/?]+))?/?(\\?.*)?$");

    private final KubernetesCrudDispatcher store = new KubernetesCrudDispatcher();
    private final Map<String, String> versionInfo;

    ApiRequestDispatcher(Map<String, String> versionInfo) {
        this.versionInfo = versionInfo;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        if (request.method() == HttpMethod.GET && (path.equals("/version") || path.startsWith("/version?"))) {
            return json(HttpURLConnection.HTTP_OK, Serialization.asJson(versionInfo));
        }
        Matcher namespacePath = NAMESPACE_PATH.matcher(path);
        if (namespacePath.matches() && (request.method() == HttpMethod.POST || request.method() == HttpMethod.PUT)) {
            return store.dispatch(withNamespaceNameLabel(request));
        }
        return store.dispatch(request);
    }

    /** Makes the store serve a custom resource's group/version/plural (scope, status subresource). */
    void registerCustomResource(CustomResourceDefinitionContext context) {
        store.expectCustomResource(context);
    }

    /** Creates an object in the store without a round trip through HTTP; used to seed a fresh server. */
    void create(String collectionPath, HasMetadata object) {
        RecordedRequest request = new RecordedRequest("HTTP/1.1", HttpMethod.POST, collectionPath,
                Headers.builder().add("Content-Type", "application/json").build(),
                new Buffer().writeUtf8(Serialization.asJson(object)));
        MockResponse response = dispatch(request);
        if (response.code() >= 300) {
            throw new IllegalStateException("could not seed " + object.getKind() + " "
                    + object.getMetadata().getName() + ": HTTP " + response.code() + " " + response.getBody().readUtf8());
        }
    }

    private static RecordedRequest withNamespaceNameLabel(RecordedRequest request) {
        GenericKubernetesResource namespace;
        try {
            namespace = Serialization.unmarshal(request.getUtf8Body(), GenericKubernetesResource.class);
        } catch (RuntimeException unreadable) {
            return request; // the store answers with its own error
        }
        ObjectMeta metadata = namespace.getMetadata();
        if (metadata == null || metadata.getName() == null) {
            return request;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (metadata.getLabels() != null) {
            labels.putAll(metadata.getLabels());
        }
        labels.put(NAMESPACE_NAME_LABEL, metadata.getName());
        metadata.setLabels(labels);
        return new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), request.getHeaders(),
                new Buffer().writeUtf8(Serialization.asJson(namespace)));
    }

    static MockResponse json(int code, String body) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
    }
}

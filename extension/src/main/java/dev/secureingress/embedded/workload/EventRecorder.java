package dev.secureingress.embedded.workload;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Writes core/v1 Events about objects, the way {@code kubectl describe} lists them. */
final class EventRecorder {

    static final String COMPONENT = "secure-ingress-embedded-kubelet";

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

    private final KubernetesClient client;

    EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    /** Records a Warning event; failures to record are logged, never thrown. */
    void warning(HasMetadata about, String fieldPath, String reason, String message) {
        record(about, fieldPath, "Warning", reason, message);
    }

    void normal(HasMetadata about, String fieldPath, String reason, String message) {
        record(about, fieldPath, "Normal", reason, message);
    }

    private void record(HasMetadata about, String fieldPath, String type, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String namespace = about.getMetadata().getNamespace();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withName(about.getMetadata().getName() + "." + Long.toHexString(System.nanoTime()))
                .withNamespace(namespace)
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(about.getApiVersion())
                .withKind(about.getKind())
                .withName(about.getMetadata().getName())
                .withNamespace(namespace)
                .withUid(about.getMetadata().getUid())
                .withFieldPath(fieldPath)
                .endInvolvedObject()
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withCount(1)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withNewSource().withComponent(COMPONENT).withHost("embedded").endSource()
                .withReportingComponent(COMPONENT)
                .withReportingInstance("embedded")
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.warn("Could not record event {} for {} {}/{}: {}", reason, about.getKind(), namespace,
                    about.getMetadata().getName(), e.getMessage());
        }
    }
}

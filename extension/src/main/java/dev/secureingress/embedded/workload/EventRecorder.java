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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes core/v1 Events about objects the way a cluster's components record them, so that {@code kubectl describe}
 * lists them. Like client-go's event broadcaster, recording returns at once: the events are written in the order
 * recorded on a thread of their own ({@code event-recorder}), so reconciling never waits for them. A failed write
 * is logged, never thrown. Like client-go's event correlator, an event that repeats one already written (same
 * object, part, type, reason, message and source) updates that one, its {@code count} and {@code lastTimestamp},
 * instead of adding another ({@code kubectl describe} shows "x3 over 10s").
 */
final class EventRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    private static final long CLOSE_TIMEOUT_MS = 2_000;
    private static final int REMEMBERED_EVENTS = 1024;

    private final KubernetesClient client;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "event-recorder");
        thread.setDaemon(true);
        return thread;
    });
    /** The last name suffix handed out: event names stay unique when two are recorded in the same nanosecond. */
    private final AtomicLong lastSuffix = new AtomicLong();
    /** The events written last, by what makes two the same; touched only on the writer thread. */
    private final Map<List<String>, Event> written = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<String>, Event> eldest) {
            return size() > REMEMBERED_EVENTS;
        }
    };

    EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    /** Records a Normal event about {@code about} ({@code fieldPath}: the part of it, e.g. a container; may be null). */
    void normal(EventSource source, HasMetadata about, String fieldPath, String reason, String message) {
        record(source, about, fieldPath, "Normal", reason, message);
    }

    /** Records a Warning event about {@code about} ({@code fieldPath}: the part of it, e.g. a container; may be null). */
    void warning(EventSource source, HasMetadata about, String fieldPath, String reason, String message) {
        record(source, about, fieldPath, "Warning", reason, message);
    }

    private void record(EventSource source, HasMetadata about, String fieldPath, String type, String reason,
                        String message) {
        Instant now = Instant.now();
        String timestamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
        String namespace = about.getMetadata().getNamespace();
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        long suffix = lastSuffix.accumulateAndGet(nanos, (last, next) -> Math.max(last + 1, next));
        Event event = new EventBuilder()
                .withNewMetadata()
                // as client-go names them: <object>.<unix nanos in hex>
                .withName(about.getMetadata().getName() + "." + Long.toHexString(suffix))
                .withNamespace(namespace)
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(about.getApiVersion())
                .withKind(about.getKind())
                .withName(about.getMetadata().getName())
                .withNamespace(namespace)
                .withUid(about.getMetadata().getUid())
                .withResourceVersion(about.getMetadata().getResourceVersion())
                .withFieldPath(fieldPath)
                .endInvolvedObject()
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withCount(1)
                .withFirstTimestamp(timestamp)
                .withLastTimestamp(timestamp)
                .withNewSource().withComponent(source.component()).withHost(source.host()).endSource()
                .withReportingComponent(source.component())
                .withReportingInstance(source.host())
                .build();
        try {
            writer.execute(() -> write(event));
        } catch (RejectedExecutionException closed) {
            LOG.debug("Not recording event {} for {} {}/{}: the recorder is closed", reason, about.getKind(), namespace,
                    about.getMetadata().getName());
        }
    }

    private void write(Event event) {
        List<String> sameness = Arrays.asList(event.getMetadata().getNamespace(), event.getInvolvedObject().getUid(),
                event.getInvolvedObject().getFieldPath(), event.getType(), event.getReason(), event.getMessage(),
                event.getSource().getComponent());
        try {
            Event earlier = written.get(sameness);
            if (earlier != null) {
                earlier.setCount(earlier.getCount() + 1);
                earlier.setLastTimestamp(event.getLastTimestamp());
                try {
                    written.put(sameness, client.v1().events().inNamespace(earlier.getMetadata().getNamespace())
                            .resource(earlier).update());
                    return;
                } catch (KubernetesClientException gone) {
                    LOG.debug("Could not count event {} again ({}); writing it anew", earlier.getMetadata().getName(),
                            gone.getMessage());
                }
            }
            written.put(sameness, client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event)
                    .create());
        } catch (KubernetesClientException e) {
            LOG.warn("Could not record event {} for {} {}/{}: {}", event.getReason(), event.getInvolvedObject().getKind(),
                    event.getMetadata().getNamespace(), event.getInvolvedObject().getName(), e.getMessage());
        }
    }

    /** Writes the events recorded so far (bounded: 2 s), then stops; later events are dropped. Idempotent. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                LOG.debug("Dropping {} events not written within {} ms of closing", writer.shutdownNow().size(),
                        CLOSE_TIMEOUT_MS);
            }
        } catch (InterruptedException e) {
            writer.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

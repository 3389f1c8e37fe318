package dev.secureingress.embedded.workload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs reconciliations one at a time on a single thread, each key at most once per burst of events: a key
 * enqueued while already pending is not queued again. A failed reconciliation is retried with growing
 * back-off (50 ms doubling up to 5 s), and given up after {@value #MAX_ATTEMPTS} attempts.
 */
final class ReconcileQueue implements AutoCloseable {

    /** What to reconcile. */
    enum Kind { DEPLOYMENT, POD, SERVICE, NAMESPACE }

    record Key(Kind kind, String namespace, String name) {
        @Override
        public String toString() {
            return kind.name().toLowerCase() + " " + namespace + "/" + name;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReconcileQueue.class);
    private static final int MAX_ATTEMPTS = 12;

    private final ScheduledExecutorService executor;
    private final Consumer<Key> reconciler;
    private final Set<Key> pending = ConcurrentHashMap.newKeySet();
    private final Map<Key, Integer> failures = new ConcurrentHashMap<>();

    ReconcileQueue(String threadName, Consumer<Key> reconciler) {
        this.reconciler = reconciler;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    void enqueue(Kind kind, String namespace, String name) {
        Key key = new Key(kind, namespace, name);
        if (pending.add(key)) {
            submit(key, 0);
        }
    }

    private void submit(Key key, long delayMs) {
        try {
            executor.schedule(() -> run(key), delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            pending.remove(key);
        }
    }

    private void run(Key key) {
        pending.remove(key);
        try {
            reconciler.accept(key);
            failures.remove(key);
        } catch (RuntimeException e) {
            if (executor.isShutdown()) {
                // closing: the API server may already be gone, and nothing is left to reconcile for
                LOG.debug("Not reconciling {}: the controller is closing ({})", key, e.toString());
                failures.remove(key);
                return;
            }
            int attempt = failures.merge(key, 1, Integer::sum);
            if (attempt >= MAX_ATTEMPTS) {
                LOG.error("Giving up reconciling {} after {} attempts", key, attempt, e);
                failures.remove(key);
                return;
            }
            long backoff = Math.min(5_000, 50L << Math.min(attempt, 7));
            LOG.debug("Reconciling {} failed (attempt {}), retrying in {} ms: {}", key, attempt, backoff, e.toString());
            if (pending.add(key)) {
                submit(key, backoff);
            }
        }
    }

    /** Runs {@code task} on the reconcile thread and waits for it (bounded). */
    void runAndWait(Runnable task, long timeoutMs) {
        try {
            executor.submit(task).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            task.run();
        } catch (Exception e) {
            LOG.warn("Reconcile-thread task did not finish cleanly within {} ms: {}", timeoutMs, e.toString());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.secureingress.embedded.watch;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The informers of one controller, started together and awaited together: every informer lists and opens its
 * watch at the same time as the others, so a controller is synced after its slowest list rather than after the
 * sum of all of them.
 *
 * <pre>{@code
 * InformerSet informers = InformerSet.builder("Gateway controller")
 *         .watch("Gateways", () -> client.resources(Gateway.class).inAnyNamespace().runnableInformer(0)
 *                 .addEventHandler(handler), informer -> view.with(Gateway.class, informer.getStore()))
 *         .start(Duration.ofSeconds(60));
 * }</pre>
 *
 * <p>An informer whose first list fails (an overloaded API server, a request timing out) stops for good, so it
 * is replaced by a fresh one, up to {@value #ATTEMPTS} attempts before the deadline. A watch added with
 * {@link Builder#watchIfServed} is left out when the API server does not serve its resource (404).
 */
public final class InformerSet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InformerSet.class);
    private static final int ATTEMPTS = 3;

    private final List<SharedIndexInformer<?>> informers;

    private InformerSet(List<SharedIndexInformer<?>> informers) {
        this.informers = List.copyOf(informers);
    }

    /** Starts describing the informers of {@code owner} (named in errors and logs). */
    public static Builder builder(String owner) {
        return new Builder(owner);
    }

    /** How many informers are watching. */
    public int size() {
        return informers.size();
    }

    /**
     * The informer of {@code type} in this set.
     *
     * @throws IllegalArgumentException when none of its informers watches {@code type}
     */
    @SuppressWarnings("unchecked")
    public <T> SharedIndexInformer<T> informer(Class<T> type) {
        return (SharedIndexInformer<T>) informers.stream()
                .filter(informer -> informer.getApiTypeClass() == type)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no informer of this set watches "
                        + type.getSimpleName() + "; add a watch of it to the set's builder"));
    }

    /** Stops every informer. Idempotent. */
    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
    }

    /** Collects the watches of an {@link InformerSet}. */
    public static final class Builder {
        private final String owner;
        private final List<Watch<?>> watches = new ArrayList<>();

        private Builder(String owner) {
            this.owner = Objects.requireNonNull(owner, "owner");
        }

        /** Adds a watch; {@code informer} makes a fresh, not yet started informer with its event handlers attached. */
        public <T> Builder watch(String what, Supplier<SharedIndexInformer<T>> informer) {
            return watch(what, informer, synced -> { });
        }

        /**
         * Adds a watch.
         *
         * @param what     what is watched, for errors ("Gateways")
         * @param informer makes a fresh, not yet started informer with its event handlers attached
         * @param onSynced receives the informer once it has listed (e.g. to keep its store)
         */
        public <T> Builder watch(String what, Supplier<SharedIndexInformer<T>> informer,
                                 Consumer<SharedIndexInformer<T>> onSynced) {
            watches.add(new Watch<>(what, informer, onSynced, false));
            return this;
        }

        /** As {@link #watch}, for a resource the API server may not serve (an older CRD version): then skipped. */
        public <T> Builder watchIfServed(String what, Supplier<SharedIndexInformer<T>> informer,
                                         Consumer<SharedIndexInformer<T>> onSynced) {
            watches.add(new Watch<>(what, informer, onSynced, true));
            return this;
        }

        /**
         * Starts every informer and returns once all have listed and are watching.
         *
         * @throws IllegalStateException when one cannot list within {@code timeout} (or {@value #ATTEMPTS}
         *                               attempts), naming it and the API server's answer; all are stopped then
         */
        public InformerSet start(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<Started<?>> started = new ArrayList<>();
            for (Watch<?> watch : watches) {
                started.add(watch.start());
            }
            List<SharedIndexInformer<?>> synced = new ArrayList<>();
            try {
                for (Started<?> informer : started) {
                    informer.awaitSynced(owner, deadline, timeout).ifPresent(synced::add);
                }
            } catch (RuntimeException e) {
                started.forEach(Started::close);
                throw e;
            }
            return new InformerSet(synced);
        }
    }

    private record Watch<T>(String what, Supplier<SharedIndexInformer<T>> factory,
                            Consumer<SharedIndexInformer<T>> onSynced, boolean optional) {
        Started<T> start() {
            SharedIndexInformer<T> informer = factory.get();
            return new Started<>(this, informer, informer.start().toCompletableFuture());
        }
    }

    private static final class Started<T> {
        private final Watch<T> watch;
        private SharedIndexInformer<T> informer;
        private CompletableFuture<Void> synced;

        Started(Watch<T> watch, SharedIndexInformer<T> informer, CompletableFuture<Void> synced) {
            this.watch = watch;
            this.informer = informer;
            this.synced = synced;
        }

        Optional<SharedIndexInformer<T>> awaitSynced(String owner, long deadline, Duration timeout) {
            for (int attempt = 1; ; attempt++) {
                try {
                    synced.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    watch.onSynced().accept(informer);
                    return Optional.of(informer);
                } catch (ExecutionException | TimeoutException e) {
                    informer.close();
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    if (watch.optional() && notServed(cause)) {
                        LOG.info("{}: {} are not served by this API server; not watching them", owner, watch.what());
                        return Optional.empty();
                    }
                    if (attempt >= ATTEMPTS || System.nanoTime() >= deadline) {
                        throw new IllegalStateException(owner + " cannot watch " + watch.what() + " (" + attempt
                                + " attempts within " + timeout.toMillis() + " ms): " + cause
                                + ". Is the API server reachable and does it serve " + watch.what() + "?", e);
                    }
                    LOG.warn("{}: watching {} failed ({}); retrying", owner, watch.what(), cause.toString());
                    informer = watch.factory().get();
                    synced = informer.start().toCompletableFuture();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(owner + ": interrupted while waiting to watch " + watch.what(), e);
                }
            }
        }

        void close() {
            informer.close();
        }

        private static boolean notServed(Throwable failure) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof KubernetesClientException client && client.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                    return true;
                }
            }
            return false;
        }
    }
}

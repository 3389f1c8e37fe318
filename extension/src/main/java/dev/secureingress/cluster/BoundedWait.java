package dev.secureingress.cluster;

import io.fabric8.kubernetes.client.dsl.Resource;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.pollinterval.PollInterval;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A wait with a deadline that, when it runs out, says what it waited for and the state it last saw.
 *
 * <pre>{@code
 * Gateway programmed = BoundedWait.forState("Gateway istio-system/mygateway to be Programmed")
 *     .atMost(Duration.ofSeconds(30))
 *     .describedBy(ConditionReport::of)
 *     .until(() -> client.resource(gateway).get(), ConditionReport.hasCondition("Programmed", "True"));
 * }</pre>
 *
 * @param <T> the observed state
 */
public final class BoundedWait<T> {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedWait.class);
    private static final Duration FIRST_POLL = Duration.ofMillis(5);
    /** The shortest deadline handed to awaitility: a wait whose time is up still reads once. */
    private static final Duration MIN_WAIT = Duration.ofMillis(1);

    private final String description;
    private Duration timeout = Duration.ofSeconds(60);
    private Duration pollInterval = Duration.ofMillis(50);
    private Function<? super T, String> describer = String::valueOf;

    private BoundedWait(String description) {
        this.description = Objects.requireNonNull(description, "description");
    }

    /** Starts a wait; {@code description} completes the sentence "timed out waiting for ...". */
    public static <T> BoundedWait<T> forState(String description) {
        return new BoundedWait<>(description);
    }

    /** The deadline; 60 seconds unless set. */
    public BoundedWait<T> atMost(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /**
     * How often the state is read at most: the first reads come quickly (after 5 ms, then twice as long each
     * time) so that a state reached at once is seen at once, then every {@code interval}; 50 ms unless set.
     */
    public BoundedWait<T> pollEvery(Duration interval) {
        this.pollInterval = interval;
        return this;
    }

    /** How the last seen state is rendered in the timeout message. Must not reveal private keys. */
    public BoundedWait<T> describedBy(Function<? super T, String> describer) {
        this.describer = describer;
        return this;
    }

    /**
     * Reads the state until {@code done} accepts it and returns that state.
     *
     * @throws WaitTimeoutException naming what was awaited and the last state seen ({@code null} reads
     *                              are reported as "not found"); exceptions from the probe are reported too
     */
    public T until(Supplier<T> probe, Predicate<? super T> done) {
        return poll(probe, done, System.nanoTime());
    }

    /** {@link #until} for the time left of a wait that began at {@code begin} (a {@link System#nanoTime()}). */
    private <S extends T> S poll(Supplier<S> probe, Predicate<? super S> done, long begin) {
        AtomicReference<S> lastSeen = new AtomicReference<>();
        AtomicReference<RuntimeException> lastError = new AtomicReference<>();
        Duration left = timeout.minusNanos(System.nanoTime() - begin);
        try {
            // a boolean condition: awaitility does not render the state (a whole object's toString) on every read
            Awaitility.await(description)
                    .atMost(left.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : left)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(pollSchedule())
                    .pollInSameThread()
                    .until(() -> {
                        S state;
                        try {
                            state = probe.get();
                        } catch (RuntimeException e) {
                            lastError.set(e);
                            return false;
                        }
                        lastSeen.set(state);
                        lastError.set(null);
                        return state != null && done.test(state);
                    });
            return lastSeen.get();
        } catch (ConditionTimeoutException timedOut) {
            throw new WaitTimeoutException(timeoutMessage(lastSeen.get(), lastError.get()), lastError.get());
        }
    }

    /**
     * Waits until {@code done} accepts the object {@code resource} names, told of each change by a watch (as
     * {@code kubectl wait} is) instead of reading the object again and again; returns the accepted state. The
     * watch ends with the wait. Where the object cannot be watched (no permission to list or watch it, a kind not
     * served yet), it is read as {@link #until} does for the time left.
     *
     * @throws WaitTimeoutException naming what was awaited and the last state seen
     */
    public <R extends T> R untilWatched(Resource<R> resource, Predicate<? super R> done) {
        long begin = System.nanoTime();
        AtomicReference<T> lastSeen = new AtomicReference<>();
        CompletableFuture<List<R>> met = resource.informOnCondition(items -> {
            R state = items.isEmpty() ? null : items.get(0);
            lastSeen.set(state);
            return state != null && done.test(state);
        });
        try {
            return met.get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(0);
        } catch (TimeoutException timedOut) {
            throw new WaitTimeoutException(timeoutMessage(lastSeen.get(), null), null);
        } catch (ExecutionException cannotWatch) {
            LOG.debug("Cannot watch for {}, reading instead: {}", description, cannotWatch.getCause().toString());
            return poll(resource::get, done, begin);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + description, interrupted);
        } finally {
            met.cancel(false);
        }
    }

    /** The pauses between reads: quick at first, then twice as long each time up to the poll interval. */
    PollInterval pollSchedule() {
        Duration quickest = min(FIRST_POLL, pollInterval);
        return (count, previous) -> min((count <= 1 ? quickest : previous).multipliedBy(2), pollInterval);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private String timeoutMessage(T lastSeen, RuntimeException lastError) {
        String seen;
        if (lastError != null) {
            seen = "the last read failed: " + lastError;
        } else if (lastSeen == null) {
            seen = "not found";
        } else {
            seen = describer.apply(lastSeen);
        }
        return "Timed out after " + timeout.toMillis() + " ms waiting for " + description
                + "; last seen: " + seen;
    }
}

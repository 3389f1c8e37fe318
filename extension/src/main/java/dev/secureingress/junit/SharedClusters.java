package dev.secureingress.junit;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The clusters this JVM runs, one per backend configuration ({@link ClusterLauncher#key}), shared by every
 * test run in the JVM: a run that JUnit's {@code EngineTestKit} starts inside another run gets the outer
 * run's cluster instead of starting a second one. Each run holds a {@link Lease} in its root store (JUnit
 * closes it when the run ends); the cluster stops when the last lease on it closes, and the next run that
 * needs one starts it again.
 */
final class SharedClusters {

    /** Guarded by itself. */
    private static final Map<String, Shared> RUNNING = new HashMap<>();

    private SharedClusters() {
    }

    /**
     * A lease on the cluster for {@code key}, launched by {@code launch} if no lease holds it yet. Callers
     * for the same key wait while the first one launches; a failed launch fails them too, and the next
     * caller after them tries again.
     */
    static Lease acquire(String key, Supplier<ClusterLauncher.LaunchedCluster> launch) {
        Shared shared;
        synchronized (RUNNING) {
            shared = RUNNING.computeIfAbsent(key, Shared::new);
            shared.leases++;
        }
        try {
            return new Lease(shared, shared.launchOnce(launch));
        } catch (RuntimeException | Error failure) {
            release(shared);
            throw failure;
        }
    }

    /** How many leases hold the cluster for {@code key} (0 when none runs). */
    static int leases(String key) {
        synchronized (RUNNING) {
            Shared shared = RUNNING.get(key);
            return shared == null ? 0 : shared.leases;
        }
    }

    private static void release(Shared shared) {
        ClusterLauncher.LaunchedCluster last = null;
        synchronized (RUNNING) {
            if (--shared.leases == 0) {
                RUNNING.remove(shared.key);
                last = shared.launched;
            }
        }
        if (last != null) {
            last.stop();
        }
    }

    /** A run's hold on a shared cluster; closing it (once) lets the cluster stop when no other run holds it. */
    static final class Lease implements AutoCloseable {
        private final Shared shared;
        private final ClusterLauncher.LaunchedCluster cluster;
        private boolean closed; // guarded by this

        private Lease(Shared shared, ClusterLauncher.LaunchedCluster cluster) {
            this.shared = shared;
            this.cluster = cluster;
        }

        /** The shared cluster. */
        ClusterLauncher.LaunchedCluster cluster() {
            return cluster;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release(shared);
        }
    }

    /** One backend configuration's cluster and the leases on it. */
    private static final class Shared {
        private final String key;
        private int leases; // guarded by RUNNING
        private volatile ClusterLauncher.LaunchedCluster launched;
        private RuntimeException failure; // guarded by this

        Shared(String key) {
            this.key = key;
        }

        synchronized ClusterLauncher.LaunchedCluster launchOnce(Supplier<ClusterLauncher.LaunchedCluster> launch) {
            if (launched == null) {
                if (failure != null) {
                    throw failure;
                }
                try {
                    launched = launch.get();
                } catch (RuntimeException e) {
                    failure = e;
                    throw e;
                }
            }
            return launched;
        }
    }
}

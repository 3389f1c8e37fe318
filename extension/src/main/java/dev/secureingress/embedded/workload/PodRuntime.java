package dev.secureingress.embedded.workload;

import dev.secureingress.fixtures.ContainerContext;
import dev.secureingress.fixtures.RunningStandIn;
import dev.secureingress.fixtures.StandIn;
import dev.secureingress.fixtures.StandIns;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs pods: for every container a stand-in from {@link StandIns}, all of a pod's containers on the pod's
 * address. Containers that cannot run (unknown image, bad configuration) are recorded as problems with a
 * reason and a message; the pod then stays not ready. Used from the controller's single reconcile thread;
 * lookups are thread-safe.
 */
final class PodRuntime implements AutoCloseable {

    /** The waiting reason of a container whose image has no stand-in. */
    static final String NO_STAND_IN = "NoEmbeddedStandIn";
    /** The waiting reason of a container whose stand-in could not start. */
    static final String CREATE_CONTAINER_ERROR = "CreateContainerError";

    private static final Logger LOG = LoggerFactory.getLogger(PodRuntime.class);
    private static final int ADDRESS_ATTEMPTS = 32;
    private static final InetAddress LOCALHOST = InetAddress.getLoopbackAddress();

    /** Why a container does not run. */
    record Problem(String reason, String message) {
    }

    /** One running pod (possibly with containers that could not start). */
    record RunningPod(String uid, String namespace, String name, InetAddress address, Instant startedAt,
                      Map<String, RunningStandIn> containers, Map<String, Problem> problems) {

        boolean ready() {
            return problems.isEmpty();
        }

        String podIp() {
            return address.getHostAddress();
        }

        /** The port serving {@code containerPort}: the same port, or the ephemeral one bound instead. */
        int boundPort(int containerPort) {
            for (RunningStandIn standIn : containers.values()) {
                Integer bound = standIn.boundPorts().get(containerPort);
                if (bound != null) {
                    return bound;
                }
            }
            return containerPort;
        }
    }

    private final StandIns standIns;
    private final PodAddressing addressing;
    private final Map<String, RunningPod> byKey = new ConcurrentHashMap<>();
    /** Uids of pods this controller deleted, so that a stale informer cache cannot start them again. */
    private final Set<String> retired = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    });

    PodRuntime(StandIns standIns, PodAddressing addressing) {
        this.standIns = standIns;
        this.addressing = addressing;
    }

    Optional<RunningPod> running(String namespace, String name) {
        return Optional.ofNullable(byKey.get(namespace + "/" + name));
    }

    /** The pod running for this object, started now if it is not running yet (or ran for an older pod of that name). */
    RunningPod ensureRunning(Pod pod) {
        String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        RunningPod running = byKey.get(key);
        if (running != null && running.uid().equals(pod.getMetadata().getUid())) {
            return running;
        }
        if (running != null) {
            stop(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        }
        RunningPod started = start(pod);
        byKey.put(key, started);
        return started;
    }

    /** Stops a pod that is being deleted and never starts that pod (by uid) again. */
    void retire(Pod pod) {
        synchronized (retired) {
            retired.add(pod.getMetadata().getUid());
        }
        stop(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    }

    boolean isRetired(Pod pod) {
        synchronized (retired) {
            return retired.contains(pod.getMetadata().getUid());
        }
    }

    /** Stops the pod's stand-ins and frees its address and ports; no-op when it is not running. */
    void stop(String namespace, String name) {
        RunningPod running = byKey.remove(namespace + "/" + name);
        if (running == null) {
            return;
        }
        running.containers().values().forEach(RunningStandIn::close);
        if (addressing == PodAddressing.LOOPBACK_RANGE) {
            PodAddressPool.release(running.address());
        }
        LOG.debug("Stopped pod {}/{} on {}", namespace, name, running.podIp());
    }

    private RunningPod start(Pod pod) {
        Map<String, Problem> problems = new LinkedHashMap<>();
        Map<String, StandIn> runnable = new LinkedHashMap<>();
        for (Container container : pod.getSpec().getContainers()) {
            Optional<StandIn> standIn = standIns.find(container.getImage() == null ? "" : container.getImage());
            if (standIn.isPresent()) {
                runnable.put(container.getName(), standIn.get());
            } else {
                problems.put(container.getName(), new Problem(NO_STAND_IN, StandIns.missingStandInMessage(container.getImage())));
            }
        }
        Instant startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        if (addressing == PodAddressing.LOCALHOST) {
            Map<String, RunningStandIn> containers = startContainers(pod, runnable, LOCALHOST, true, problems);
            return new RunningPod(pod.getMetadata().getUid(), pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                    LOCALHOST, startedAt, containers, Map.copyOf(problems));
        }
        for (int attempt = 1; ; attempt++) {
            InetAddress address = PodAddressPool.allocate();
            boolean ephemeral = attempt > ADDRESS_ATTEMPTS;
            Map<String, Problem> attemptProblems = new LinkedHashMap<>(problems);
            try {
                Map<String, RunningStandIn> containers = startContainers(pod, runnable, address, ephemeral, attemptProblems);
                if (ephemeral) {
                    LOG.warn("Pod {}/{}: the containers' ports were taken on {} pod addresses; serving on ephemeral ports of {}",
                            pod.getMetadata().getNamespace(), pod.getMetadata().getName(), ADDRESS_ATTEMPTS, address.getHostAddress());
                }
                return new RunningPod(pod.getMetadata().getUid(), pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                        address, startedAt, containers, Map.copyOf(attemptProblems));
            } catch (AddressTaken taken) {
                LOG.debug("Pod address {} unusable ({}), trying the next one", address.getHostAddress(), taken.getMessage());
                PodAddressPool.release(address);
            }
        }
    }

    /** Thrown when a port on the pod address is taken by somebody else: try another address. */
    private static final class AddressTaken extends RuntimeException {
        AddressTaken(String message) {
            super(message, null, false, false);
        }
    }

    private Map<String, RunningStandIn> startContainers(Pod pod, Map<String, StandIn> runnable, InetAddress address,
                                                         boolean ephemeral, Map<String, Problem> problems) {
        Map<String, RunningStandIn> started = new LinkedHashMap<>();
        Map<Integer, String> portOwners = new HashMap<>();
        for (Container container : pod.getSpec().getContainers()) {
            StandIn standIn = runnable.get(container.getName());
            if (standIn == null) {
                continue;
            }
            ContainerContext context = new ContainerContext(container.getImage(), pod.getMetadata().getName(),
                    pod.getMetadata().getNamespace(), container.getName(),
                    ContainerEnvironment.of(pod, container, address.getHostAddress(), LOCALHOST.getHostAddress()),
                    declaredPorts(container));
            try {
                List<Integer> ports = standIn.listenPorts(context);
                String clash = ports.stream().filter(portOwners::containsKey)
                        .map(p -> "port " + p + " is already used by container " + portOwners.get(p)).findFirst().orElse(null);
                if (clash != null) {
                    problems.put(container.getName(), new Problem(CREATE_CONTAINER_ERROR, clash));
                    continue;
                }
                RunningStandIn running = standIn.start(context, address, ephemeral);
                ports.forEach(p -> portOwners.put(p, container.getName()));
                started.put(container.getName(), running);
            } catch (UncheckedIOException e) {
                if (e.getCause() instanceof BindException && !ephemeral) {
                    started.values().forEach(RunningStandIn::close);
                    throw new AddressTaken(e.getCause().getMessage());
                }
                problems.put(container.getName(), new Problem(CREATE_CONTAINER_ERROR, e.getMessage()));
            } catch (RuntimeException e) {
                problems.put(container.getName(), new Problem(CREATE_CONTAINER_ERROR, e.getMessage()));
            }
        }
        return started;
    }

    private static List<Integer> declaredPorts(Container container) {
        List<Integer> ports = new ArrayList<>();
        if (container.getPorts() != null) {
            for (ContainerPort port : container.getPorts()) {
                if (port.getContainerPort() != null && (port.getProtocol() == null || port.getProtocol().equals("TCP"))) {
                    ports.add(port.getContainerPort());
                }
            }
        }
        return ports;
    }

    @Override
    public void close() {
        for (String key : List.copyOf(byKey.keySet())) {
            String[] namespaceAndName = key.split("/", 2);
            stop(namespaceAndName[0], namespaceAndName[1]);
        }
    }
}

package dev.secureingress.embedded.workload;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the endpoints and endpointslice controllers do: a Service with a selector gets an {@code Endpoints}
 * object of its name and {@code EndpointSlice}s labelled {@code kubernetes.io/service-name}, listing the
 * pods its selector matches (ready ones as addresses, others as not-ready addresses) with each service
 * port's {@code targetPort} resolved (a named targetPort through the pod's container port names). Ports are
 * the ones actually bound, so in {@link PodAddressing#LOCALHOST} mode they are ephemeral ports. Services
 * without a selector are left alone (their Endpoints are the user's); a deleted Service's objects are removed.
 */
final class ServiceEndpointsReconciler {

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
    static final String MANAGED_BY = "endpointslice-controller.k8s.io";

    private final InformedObjects<Service> services;
    private final InformedObjects<Endpoints> endpoints;
    private final InformedObjects<EndpointSlice> slices;
    private final PodRuntime runtime;

    ServiceEndpointsReconciler(InformedObjects<Service> services, InformedObjects<Endpoints> endpoints,
                               InformedObjects<EndpointSlice> slices, PodRuntime runtime) {
        this.services = services;
        this.endpoints = endpoints;
        this.slices = slices;
        this.runtime = runtime;
    }

    void reconcile(String namespace, String name, List<Pod> podsInNamespace) {
        Service service = services.get(namespace, name);
        if (service == null) {
            deleteManagedObjects(namespace, name);
            return;
        }
        Map<String, String> selector = service.getSpec().getSelector();
        if (selector == null || selector.isEmpty()) {
            return;
        }
        Map<List<EndpointPort>, Members> byPorts = new LinkedHashMap<>();
        for (Pod pod : podsInNamespace) {
            if (!matches(selector, pod) || pod.getStatus() == null || pod.getStatus().getPodIP() == null
                    || pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            List<EndpointPort> ports = resolvePorts(service, pod);
            if (ports.isEmpty() && !service.getSpec().getPorts().isEmpty()) {
                continue;
            }
            Members members = byPorts.computeIfAbsent(ports, p -> new Members());
            (DeploymentReconciler.isReady(pod) ? members.ready : members.notReady).add(pod);
        }
        writeEndpoints(service, byPorts);
        writeEndpointSlices(service, byPorts);
    }

    private static final class Members {
        final List<Pod> ready = new ArrayList<>();
        final List<Pod> notReady = new ArrayList<>();
    }

    private List<EndpointPort> resolvePorts(Service service, Pod pod) {
        List<EndpointPort> ports = new ArrayList<>();
        Optional<PodRuntime.RunningPod> running = runtime.running(pod.getMetadata().getNamespace(), pod.getMetadata().getName())
                .filter(r -> r.uid().equals(pod.getMetadata().getUid()));
        for (ServicePort servicePort : service.getSpec().getPorts()) {
            Integer containerPort = targetPort(servicePort, pod);
            if (containerPort == null) {
                continue;
            }
            int port = running.map(r -> r.boundPort(containerPort)).orElse(containerPort);
            ports.add(new EndpointPortBuilder()
                    .withName(servicePort.getName())
                    .withPort(port)
                    .withProtocol(Optional.ofNullable(servicePort.getProtocol()).orElse("TCP"))
                    .withAppProtocol(servicePort.getAppProtocol())
                    .build());
        }
        return List.copyOf(ports);
    }

    /** The container port a service port sends to on this pod, or null when a named port is not declared. */
    private static Integer targetPort(ServicePort servicePort, Pod pod) {
        IntOrString target = servicePort.getTargetPort();
        if (target == null || (target.getIntVal() == null && target.getStrVal() == null)) {
            return servicePort.getPort();
        }
        if (target.getIntVal() != null) {
            return target.getIntVal();
        }
        String named = target.getStrVal();
        if (named.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(named);
        }
        for (Container container : pod.getSpec().getContainers()) {
            if (container.getPorts() == null) {
                continue;
            }
            for (ContainerPort port : container.getPorts()) {
                if (named.equals(port.getName())) {
                    return port.getContainerPort();
                }
            }
        }
        return null;
    }

    private void writeEndpoints(Service service, Map<List<EndpointPort>, Members> byPorts) {
        List<EndpointSubset> subsets = new ArrayList<>();
        byPorts.forEach((ports, members) -> subsets.add(new EndpointSubsetBuilder()
                .withAddresses(members.ready.stream().map(ServiceEndpointsReconciler::address).toList())
                .withNotReadyAddresses(members.notReady.stream().map(ServiceEndpointsReconciler::address).toList())
                .withPorts(ports)
                .build()));
        String namespace = service.getMetadata().getNamespace();
        Endpoints existing = endpoints.get(namespace, service.getMetadata().getName());
        if (existing == null) {
            endpoints.create(new EndpointsBuilder()
                    .withNewMetadata()
                    .withName(service.getMetadata().getName())
                    .withNamespace(namespace)
                    .withLabels(service.getMetadata().getLabels())
                    .endMetadata()
                    .withSubsets(subsets)
                    .build());
        } else if (!sameJson(existing.getSubsets(), subsets)) {
            endpoints.update(existing, stored -> {
                stored.setSubsets(subsets);
                return stored;
            });
        }
    }

    private void writeEndpointSlices(Service service, Map<List<EndpointPort>, Members> byPorts) {
        String namespace = service.getMetadata().getNamespace();
        String serviceName = service.getMetadata().getName();
        Map<String, EndpointSlice> existing = new LinkedHashMap<>();
        for (EndpointSlice slice : slicesOf(namespace, serviceName, false)) {
            existing.put(slice.getMetadata().getName(), slice);
        }
        Set<String> wanted = new HashSet<>();
        Map<List<EndpointPort>, Members> groups = byPorts.isEmpty() ? Map.of(List.of(), new Members()) : byPorts;
        int index = 0;
        for (Map.Entry<List<EndpointPort>, Members> group : groups.entrySet()) {
            List<EndpointPort> ports = group.getKey();
            Members members = group.getValue();
            String name = sliceName(service, index++);
            wanted.add(name);
            List<Endpoint> endpoints = new ArrayList<>();
            members.ready.forEach(pod -> endpoints.add(endpoint(pod, true)));
            members.notReady.forEach(pod -> endpoints.add(endpoint(pod, false)));
            EndpointSlice desired = new EndpointSliceBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .addToLabels(SERVICE_NAME_LABEL, serviceName)
                    .addToLabels(MANAGED_BY_LABEL, MANAGED_BY)
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Service")
                            .withName(serviceName).withUid(service.getMetadata().getUid())
                            .withController(true).withBlockOwnerDeletion(true).build())
                    .endMetadata()
                    .withAddressType("IPv4")
                    .withEndpoints(endpoints)
                    .withPorts(ports.stream().map(p -> new io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder()
                            .withName(Optional.ofNullable(p.getName()).orElse("")) // "" for an unnamed port, as kubectl describe expects
                            .withPort(p.getPort()).withProtocol(p.getProtocol())
                            .withAppProtocol(p.getAppProtocol()).build()).toList())
                    .build();
            EndpointSlice current = existing.get(name);
            if (current == null) {
                slices.create(desired);
            } else if (!sameJson(current.getEndpoints(), desired.getEndpoints()) || !sameJson(current.getPorts(), desired.getPorts())) {
                slices.update(current, stored -> {
                    stored.setEndpoints(desired.getEndpoints());
                    stored.setPorts(desired.getPorts());
                    return stored;
                });
            }
        }
        existing.values().stream().filter(slice -> !wanted.contains(slice.getMetadata().getName())).forEach(slices::delete);
    }

    /** The service's slices (only the ones this controller manages when {@code managedOnly}). */
    private List<EndpointSlice> slicesOf(String namespace, String serviceName, boolean managedOnly) {
        return slices.inNamespace(namespace).stream()
                .filter(slice -> slice.getMetadata().getLabels() != null
                        && serviceName.equals(slice.getMetadata().getLabels().get(SERVICE_NAME_LABEL))
                        && (!managedOnly || MANAGED_BY.equals(slice.getMetadata().getLabels().get(MANAGED_BY_LABEL))))
                .toList();
    }

    /**
     * Slice names look like Kubernetes' generated ones ({@code httpbin-x7k2p}) but are stable per service and
     * index, so that a slice is updated in place when its pods or ports change.
     */
    private static String sliceName(Service service, int index) {
        return service.getMetadata().getName() + "-" + KubernetesNames.stableSuffix(service.getMetadata().getUid() + "/" + index);
    }

    private void deleteManagedObjects(String namespace, String serviceName) {
        slicesOf(namespace, serviceName, true).forEach(slices::delete);
        Endpoints existing = endpoints.get(namespace, serviceName);
        if (existing != null) {
            endpoints.delete(existing);
        }
    }

    private static EndpointAddress address(Pod pod) {
        return new EndpointAddressBuilder()
                .withIp(pod.getStatus().getPodIP())
                .withNodeName(pod.getSpec().getNodeName())
                .withTargetRef(podReference(pod))
                .build();
    }

    private static Endpoint endpoint(Pod pod, boolean ready) {
        return new EndpointBuilder()
                .withAddresses(pod.getStatus().getPodIP())
                .withNewConditions().withReady(ready).withServing(ready).withTerminating(false).endConditions()
                .withNodeName(pod.getSpec().getNodeName())
                .withTargetRef(podReference(pod))
                .build();
    }

    private static ObjectReference podReference(Pod pod) {
        return new ObjectReferenceBuilder()
                .withKind("Pod")
                .withName(pod.getMetadata().getName())
                .withNamespace(pod.getMetadata().getNamespace())
                .withUid(pod.getMetadata().getUid())
                .build();
    }

    static boolean matches(Map<String, String> selector, Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels != null && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private boolean sameJson(Object a, Object b) {
        return endpoints.serialization().asJson(a).equals(endpoints.serialization().asJson(b));
    }
}

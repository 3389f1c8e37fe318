package dev.secureingress.embedded.gateway;

import dev.secureingress.embedded.dataplane.DataPlane;
import dev.secureingress.embedded.dataplane.GatewayBindException;
import dev.secureingress.embedded.dataplane.GatewayProgram;
import dev.secureingress.embedded.dataplane.ListenerProgram;
import dev.secureingress.embedded.dataplane.ProgrammedGateway;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddressBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One reconciliation pass over the whole cluster view: GatewayClass status, each Gateway of ours
 * validated and programmed into the data plane, each HTTPRoute attached, and every status and
 * {@code <gateway>-istio} Service written where it changed. Runs on the controller's single thread.
 */
final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    /**
     * A program the data plane accepted for the Gateway object {@code uid}, where it bound it, and the logical ports
     * it could not bind.
     */
    private record Programmed(String uid, GatewayProgram program, ProgrammedGateway result,
            Map<Integer, String> failedPorts) {
    }

    private final ClusterView cluster;
    private final DataPlane dataPlane;
    private final Clock clock;
    private final StatusWriter statuses;
    private final GatewayServices services;
    private final GatewayDeployments deployments;
    private final CertificateRefs certificates;
    private final ListenerValidation listeners;
    private final RouteRules routeRules;
    private final RouteAttachment attachment;
    private final Map<String, Programmed> programmed = new HashMap<>();

    Reconciler(KubernetesClient client, ClusterView cluster, DataPlane dataPlane, Clock clock) {
        this.cluster = cluster;
        this.dataPlane = dataPlane;
        this.clock = clock;
        this.statuses = new StatusWriter(client);
        this.services = new GatewayServices(client, cluster);
        this.deployments = new GatewayDeployments(client, cluster);
        ReferenceGrants grants = new ReferenceGrants(cluster);
        this.certificates = new CertificateRefs(cluster, grants);
        this.listeners = new ListenerValidation(certificates);
        this.routeRules = new RouteRules(cluster, grants);
        this.attachment = new RouteAttachment(cluster);
    }

    void reconcile() {
        Set<String> ourClasses = reconcileGatewayClasses();

        Map<String, Gateway> allGateways = new HashMap<>();
        Map<String, Gateway> ourGateways = new LinkedHashMap<>();
        Map<String, RouteAttachment.GatewayListeners> ourListeners = new HashMap<>();
        for (Gateway gateway : cluster.gateways()) {
            String key = ClusterView.key(gateway);
            allGateways.put(key, gateway);
            if (gateway.getMetadata().getDeletionTimestamp() == null && gateway.getSpec() != null
                    && ourClasses.contains(gateway.getSpec().getGatewayClassName())) {
                ourGateways.put(key, gateway);
                ourListeners.put(key, new RouteAttachment.GatewayListeners(gateway.getMetadata().getNamespace(),
                        gateway.getMetadata().getName(), listeners.validate(gateway)));
            }
        }

        Map<HTTPRoute, List<RouteAttachment.ParentOutcome>> routeOutcomes = new LinkedHashMap<>();
        for (HTTPRoute route : cluster.httpRoutes()) {
            RouteRules.Compiled compiled = routeRules.compile(route);
            routeOutcomes.put(route, attachment.attach(route, compiled, ourListeners,
                    key -> allGateways.containsKey(key) && !ourGateways.containsKey(key)));
        }

        for (var entry : ourGateways.entrySet()) {
            Gateway gateway = entry.getValue();
            List<ListenerState> states = ourListeners.get(entry.getKey()).listeners();
            ProgramOutcome outcome = program(gateway, states);
            if (outcome.result() != null) {
                // before the status: whoever sees Programmed finds the Service that says where to connect
                services.apply(gateway, portNames(states), outcome.result());
            }
            writeGatewayStatus(gateway, states, outcome);
            deployments.ensure(gateway);
        }
        for (var entry : routeOutcomes.entrySet()) {
            writeRouteStatus(entry.getKey(), entry.getValue());
        }

        for (String key : new HashSet<>(programmed.keySet())) {
            if (!ourGateways.containsKey(key)) {
                programmed.remove(key);
                String[] parts = key.split("/", 2);
                dataPlane.remove(parts[0], parts[1]);
                services.delete(parts[0], parts[1]);
                LOG.info("Gateway {} removed from the data plane", key);
            }
        }
        deployments.retainOnly(ourGateways.keySet());
        statuses.retainOnly(allGateways.values());
        certificates.retainOnly(cluster.secretKeys());
    }

    /** Accepts our GatewayClasses and returns the class names this controller handles. */
    private Set<String> reconcileGatewayClasses() {
        Set<String> ours = new HashSet<>();
        boolean defaultClassExists = false;
        for (GatewayClass gatewayClass : cluster.gatewayClasses()) {
            if (GatewayController.CLASS_NAME.equals(gatewayClass.getMetadata().getName())) {
                defaultClassExists = true;
            }
            if (gatewayClass.getSpec() == null
                    || !GatewayController.CONTROLLER_NAME.equals(gatewayClass.getSpec().getControllerName())) {
                continue;
            }
            ours.add(gatewayClass.getMetadata().getName());
            GatewayClassStatus previous = statuses.current(gatewayClass, GatewayClass::getStatus);
            Conditions conditions = new Conditions(previous == null ? null : previous.getConditions(),
                    gatewayClass.getMetadata().getGeneration(), clock)
                    .set(Conditions.ACCEPTED, true, "Accepted", "Handled by the embedded Istio gateway controller");
            GatewayClassStatus desired = new GatewayClassStatusBuilder(previous == null ? new GatewayClassStatus() : previous)
                    .withConditions(merge(previous == null ? null : previous.getConditions(), conditions.build()))
                    .build();
            statuses.write(gatewayClass, GatewayClass::getStatus, desired,
                    (gc, status) -> new GatewayClassBuilder(gc).withStatus(status).build());
        }
        if (!defaultClassExists) {
            ours.add(GatewayController.CLASS_NAME); // Istio serves class istio even before its GatewayClass exists
        }
        return ours;
    }

    /** Where a Gateway got programmed, or why it did not. */
    private record ProgramOutcome(ProgrammedGateway result, String error) {
    }

    private ProgramOutcome program(Gateway gateway, List<ListenerState> states) {
        String key = ClusterView.key(gateway);
        List<ListenerProgram> programs = states.stream()
                .filter(ListenerState::programmable).map(ListenerState::toProgram).toList();
        GatewayProgram program = new GatewayProgram(gateway.getMetadata().getNamespace(),
                gateway.getMetadata().getName(), programs);
        String uid = gateway.getMetadata().getUid();
        Programmed last = programmed.get(key);
        if (last != null && !Objects.equals(last.uid(), uid)) {
            // deleted and created again between two passes: a new Gateway gets new listeners, not the old one's
            programmed.remove(key);
            dataPlane.remove(program.namespace(), program.name());
            LOG.info("Gateway {} was created again; its listeners are made anew", key);
            last = null;
        }
        if (last == null || !last.program().equals(program)) {
            try {
                last = new Programmed(uid, program, dataPlane.program(program), Map.of());
            } catch (GatewayBindException e) {
                last = new Programmed(uid, program, e.programmed(), e.failedPorts());
            } catch (RuntimeException e) {
                return failed(key, e);
            }
            programmed.put(key, last);
        }
        for (var failed : last.failedPorts().entrySet()) {
            states.stream().filter(s -> s.programmable() && s.port() == failed.getKey()).forEach(s ->
                    s.accepted = new ListenerState.Outcome(false, "PortUnavailable",
                            "Port " + failed.getKey() + " could not be bound: " + failed.getValue()));
        }
        return new ProgramOutcome(last.result(), null);
    }

    private ProgramOutcome failed(String key, RuntimeException e) {
        LOG.warn("Programming gateway {} failed", key, e);
        programmed.remove(key);
        return new ProgramOutcome(null, "The data plane failed to program the Gateway: " + e.getMessage());
    }

    private void writeGatewayStatus(Gateway gateway, List<ListenerState> states, ProgramOutcome outcome) {
        Long generation = gateway.getMetadata().getGeneration();
        GatewayStatus previous = statuses.current(gateway, Gateway::getStatus);
        List<String> invalid = states.stream().filter(s -> !s.programmable()).map(ListenerState::name).toList();
        boolean anyValid = invalid.size() < states.size();

        Conditions conditions = new Conditions(previous == null ? null : previous.getConditions(), generation, clock);
        if (invalid.isEmpty()) {
            conditions.set(Conditions.ACCEPTED, true, "Accepted", "Resource accepted");
        } else {
            conditions.set(Conditions.ACCEPTED, anyValid, "ListenersNotValid", "Invalid listeners: " + invalid
                    + (anyValid ? "; the other listeners are accepted" : "") + " (see status.listeners)");
        }
        String serviceName = GatewayServices.serviceName(gateway.getMetadata().getName());
        if (outcome.result() == null) {
            conditions.set(Conditions.PROGRAMMED, false, "Invalid", outcome.error());
        } else if (!anyValid) {
            conditions.set(Conditions.PROGRAMMED, false, "Invalid", "No listener can be programmed: " + invalid);
        } else {
            conditions.set(Conditions.PROGRAMMED, true, "Programmed", "Resource programmed, assigned to service(s) "
                    + serviceName + "." + gateway.getMetadata().getNamespace() + ".svc.cluster.local:"
                    + outcome.result().boundPorts().keySet().stream().sorted().map(String::valueOf)
                    .collect(Collectors.joining(",")));
        }

        List<ListenerStatus> listenerStatuses = new ArrayList<>();
        for (ListenerState state : states) {
            ListenerStatus previousListener = previous == null || previous.getListeners() == null ? null
                    : previous.getListeners().stream().filter(l -> state.name().equals(l.getName())).findFirst().orElse(null);
            Conditions lc = new Conditions(previousListener == null ? null : previousListener.getConditions(), generation, clock)
                    .set(Conditions.ACCEPTED, state.accepted.status(), state.accepted.reason(), state.accepted.message());
            boolean listenerProgrammed = state.programmable() && outcome.result() != null
                    && outcome.result().boundPorts().containsKey(state.port());
            if (listenerProgrammed) {
                lc.set(Conditions.PROGRAMMED, true, "Programmed", "Listener programmed on "
                        + outcome.result().address().getHostAddress() + ":" + outcome.result().boundPorts().get(state.port()));
            } else {
                lc.set(Conditions.PROGRAMMED, false, state.programmable() ? "Pending" : "Invalid",
                        state.programmable() ? Objects.requireNonNullElse(outcome.error(), "Not programmed yet")
                                : "Listener not programmed: " + firstProblem(state));
            }
            lc.set(Conditions.RESOLVED_REFS, state.resolvedRefs.status(), state.resolvedRefs.reason(), state.resolvedRefs.message());
            lc.set(Conditions.CONFLICTED, state.conflicted.status(), state.conflicted.reason(), state.conflicted.message());
            if (state.overlappingTls != null) {
                lc.set(Conditions.OVERLAPPING_TLS_CONFIG, true, state.overlappingTls.reason(), state.overlappingTls.message());
            }
            listenerStatuses.add(new ListenerStatusBuilder()
                    .withName(state.name())
                    .withSupportedKinds(state.supportedKinds)
                    .withAttachedRoutes(state.routes.size())
                    .withConditions(lc.build())
                    .build());
        }

        GatewayStatus desired = new GatewayStatusBuilder(previous == null ? new GatewayStatus() : previous)
                .withConditions(merge(previous == null ? null : previous.getConditions(), conditions.build()))
                .withAddresses(outcome.result() == null ? List.of() : List.of(new GatewayStatusAddressBuilder()
                        .withType("IPAddress").withValue(outcome.result().address().getHostAddress()).build()))
                .withListeners(listenerStatuses)
                .build();
        statuses.write(gateway, Gateway::getStatus, desired, (g, status) -> new GatewayBuilder(g).withStatus(status).build());
    }

    private static String firstProblem(ListenerState state) {
        if (!state.accepted.status()) {
            return state.accepted.message();
        }
        if (state.conflicted.status()) {
            return state.conflicted.message();
        }
        return state.resolvedRefs.message();
    }

    private void writeRouteStatus(HTTPRoute route, List<RouteAttachment.ParentOutcome> outcomes) {
        HTTPRouteStatus previous = statuses.current(route, HTTPRoute::getStatus);
        List<RouteParentStatus> previousParents = previous == null || previous.getParents() == null
                ? List.of() : previous.getParents();
        List<RouteParentStatus> others = previousParents.stream()
                .filter(p -> !GatewayController.CONTROLLER_NAME.equals(p.getControllerName())).toList();
        if (outcomes.isEmpty() && others.size() == previousParents.size()) {
            return; // nothing of ours to report, nothing of ours to remove
        }
        List<RouteParentStatus> parents = new ArrayList<>(others);
        for (RouteAttachment.ParentOutcome outcome : outcomes) {
            RouteParentStatus previousParent = previousParents.stream()
                    .filter(p -> GatewayController.CONTROLLER_NAME.equals(p.getControllerName())
                            && Objects.equals(p.getParentRef(), outcome.parentRef()))
                    .findFirst().orElse(null);
            Conditions conditions = new Conditions(previousParent == null ? null : previousParent.getConditions(),
                    route.getMetadata().getGeneration(), clock)
                    .set(Conditions.ACCEPTED, outcome.accepted().status(), outcome.accepted().reason(), outcome.accepted().message())
                    .set(Conditions.RESOLVED_REFS, outcome.resolvedRefs().status(), outcome.resolvedRefs().reason(),
                            outcome.resolvedRefs().message());
            parents.add(new RouteParentStatusBuilder()
                    .withControllerName(GatewayController.CONTROLLER_NAME)
                    .withParentRef(outcome.parentRef())
                    .withConditions(conditions.build())
                    .build());
        }
        HTTPRouteStatus desired = new HTTPRouteStatusBuilder(previous == null ? new HTTPRouteStatus() : previous)
                .withParents(parents).build();
        statuses.write(route, HTTPRoute::getStatus, desired, (r, status) -> new HTTPRouteBuilder(r).withStatus(status).build());
    }

    /** Our conditions, then the ones other writers set (which a controller must not remove). */
    private static List<Condition> merge(List<Condition> previous, List<Condition> ours) {
        List<Condition> merged = new ArrayList<>(ours);
        Set<String> ourTypes = ours.stream().map(Condition::getType).collect(Collectors.toSet());
        Set<String> owned = Set.of(Conditions.ACCEPTED, Conditions.PROGRAMMED, Conditions.RESOLVED_REFS);
        if (previous != null) {
            previous.stream()
                    .filter(c -> !ourTypes.contains(c.getType()) && !owned.contains(c.getType()))
                    .forEach(merged::add);
        }
        return merged;
    }

    /** Logical port to the Service port name: the first listener's name on that port. */
    private static Map<Integer, String> portNames(List<ListenerState> states) {
        Map<Integer, String> names = new LinkedHashMap<>();
        for (ListenerState state : states) {
            names.putIfAbsent(state.port(), state.name());
        }
        return names;
    }
}

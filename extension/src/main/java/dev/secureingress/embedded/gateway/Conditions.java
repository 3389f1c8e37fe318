package dev.secureingress.embedded.gateway;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds one object's (or one listener's, or one route parent's) list of status conditions, the way
 * Kubernetes' {@code meta.SetStatusCondition} does: every condition carries the object's generation as
 * {@code observedGeneration}, and {@code lastTransitionTime} is kept from the previous condition of the
 * same type unless its status changed.
 */
final class Conditions {

    static final String ACCEPTED = "Accepted";
    static final String PROGRAMMED = "Programmed";
    static final String RESOLVED_REFS = "ResolvedRefs";
    static final String CONFLICTED = "Conflicted";
    static final String OVERLAPPING_TLS_CONFIG = "OverlappingTLSConfig";

    private final List<Condition> previous;
    private final Long generation;
    private final Clock clock;
    private final List<Condition> conditions = new ArrayList<>();

    Conditions(List<Condition> previous, Long generation, Clock clock) {
        this.previous = previous == null ? List.of() : previous;
        this.generation = generation;
        this.clock = clock;
    }

    Conditions set(String type, boolean status, String reason, String message) {
        String statusText = status ? "True" : "False";
        String transition = previous.stream()
                .filter(c -> type.equals(c.getType()) && statusText.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime)
                .filter(Objects::nonNull)
                .findFirst()
                .orElseGet(() -> Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
        conditions.removeIf(c -> type.equals(c.getType()));
        conditions.add(new ConditionBuilder()
                .withType(type)
                .withStatus(statusText)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(transition)
                .build());
        return this;
    }

    /** The first condition of that type set so far, or null. */
    Condition get(String type) {
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    List<Condition> build() {
        return List.copyOf(conditions);
    }
}

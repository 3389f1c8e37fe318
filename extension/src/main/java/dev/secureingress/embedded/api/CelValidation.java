package dev.secureingress.embedded.api;

import dev.cel.runtime.CelEvaluationException;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a custom resource against the CEL validation rules of its schema ({@code x-kubernetes-validations}) as the
 * API server does: each rule of a schema node is evaluated with {@code self} bound to the value at that node (rules
 * of fields the object does not have are not evaluated); a rule that reads {@code oldSelf} is a transition rule,
 * evaluated only on an update where the old object has a value at that path (list items are matched up only in
 * {@code x-kubernetes-list-type: map} lists, by their keys). On an update, no rule is evaluated for a value the update
 * leaves unchanged (nor under it): the API server ratchets the rules that do not read {@code oldSelf}, and the
 * transition rules CRDs use ({@code self == oldSelf}) hold for an unchanged value. So a write of an object's status
 * evaluates no rule of its spec, and compiles none.
 *
 * <p>A failed rule is reported with its {@code messageExpression}'s value, else its {@code message}, else
 * {@code failed rule: <rule>}, at the node's path extended by its {@code fieldPath}, with its {@code reason}:
 * {@code spec.listeners: Invalid value: "array": Listener name must be unique within the Gateway} (the node's type
 * is the value printed), {@code Forbidden: ...}, {@code Required value: ...}, {@code Duplicate value: "array"}. A rule
 * that cannot be evaluated is reported as {@code <error> evaluating rule: <message>}. A rule with {@code optionalOldSelf: true} is evaluated on a create
 * too, with {@code oldSelf} an optional ({@code optional.none()} where there is no old value). A rule that goes past
 * the per-call cost limit ({@link CelCostLimit}) is reported as {@code 'operation cancelled: actual cost limit
 * exceeded': no further validation rules will be run due to call cost exceeds limit for rule: <rule>}, and no further
 * rule is evaluated; so is a write whose rules together spend the per-object budget ({@code validation failed due to
 * running out of cost budget, no further validation rules will be run}). Not checked: the static cost estimate of a
 * CRD's rules.
 */
final class CelValidation {

    private static final Object ABSENT = new Object();
    private static final Pattern QUOTED_KEY = Pattern.compile("\\['((?:[^'\\\\]|\\\\.)*)'\\]");
    private static final Pattern MISSING_KEY = Pattern.compile("key '([^']*)' is not present in map\\.?");

    private final List<ObjectValidation.Violation> violations = new ArrayList<>();
    /** A rule went past its cost limit or the budget ran out: no further rule is evaluated, as on the API server. */
    private boolean stopped;
    private long remainingBudget = CelCostLimit.PER_OBJECT_BUDGET;

    private CelValidation() {
    }

    /**
     * The rules of {@code schema} that {@code object} breaks; {@code old} is the stored version on an update,
     * {@code null} on a create.
     */
    static List<ObjectValidation.Violation> check(JSONSchemaProps schema, Map<String, Object> object,
                                                  Map<String, Object> old) {
        CelValidation validation = new CelValidation();
        validation.visit(schema, object, old == null ? ABSENT : old, "", true);
        return List.copyOf(validation.violations);
    }

    /** True when {@code schema} or a schema under it has CEL rules. */
    static boolean hasRules(JSONSchemaProps schema) {
        if (schema == null) {
            return false;
        }
        if (schema.getXKubernetesValidations() != null && !schema.getXKubernetesValidations().isEmpty()) {
            return true;
        }
        if (schema.getProperties() != null
                && schema.getProperties().values().stream().anyMatch(CelValidation::hasRules)) {
            return true;
        }
        return (schema.getItems() != null && hasRules(schema.getItems().getSchema()))
                || (schema.getAdditionalProperties() != null && hasRules(schema.getAdditionalProperties().getSchema()));
    }

    private void visit(JSONSchemaProps schema, Object value, Object old, String path, boolean root) {
        if (schema == null || value == null || stopped) {
            return;
        }
        if (old != ABSENT && Objects.equals(value, old)) {
            return; // as the API server ratchets: what an update leaves as it was keeps passing
        }
        List<ValidationRule> rules = schema.getXKubernetesValidations();
        if (rules != null) {
            for (ValidationRule rule : rules) {
                if (stopped) {
                    return;
                }
                evaluate(schema, rule, value, old, path);
            }
        }
        if (value instanceof Map<?, ?> map) {
            visitObject(schema, map, old instanceof Map<?, ?> oldMap ? oldMap : null, path, root);
        } else if (value instanceof List<?> list && schema.getItems() != null) {
            visitItems(schema, list, old instanceof List<?> oldList ? oldList : null, path);
        }
    }

    private void visitObject(JSONSchemaProps schema, Map<?, ?> map, Map<?, ?> old, String path, boolean root) {
        Map<String, JSONSchemaProps> properties = schema.getProperties() == null ? Map.of() : schema.getProperties();
        JSONSchemaProps additional = schema.getAdditionalProperties() == null ? null
                : schema.getAdditionalProperties().getSchema();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (root && (key.equals("apiVersion") || key.equals("kind") || key.equals("metadata"))) {
                continue;
            }
            Object oldValue = old != null && old.containsKey(key) ? old.get(key) : ABSENT;
            JSONSchemaProps property = properties.get(key);
            if (property != null) {
                visit(property, entry.getValue(), oldValue, path.isEmpty() ? key : path + "." + key, false);
            } else if (additional != null) {
                visit(additional, entry.getValue(), oldValue, path + "[" + key + "]", false);
            }
        }
    }

    private void visitItems(JSONSchemaProps schema, List<?> list, List<?> old, String path) {
        JSONSchemaProps items = schema.getItems().getSchema();
        List<String> keys = "map".equals(schema.getXKubernetesListType()) ? schema.getXKubernetesListMapKeys() : null;
        for (int index = 0; index < list.size(); index++) {
            Object item = list.get(index);
            Object oldItem = ABSENT;
            if (old != null && keys != null && !keys.isEmpty() && item instanceof Map<?, ?> entry) {
                oldItem = old.stream().filter(candidate -> candidate instanceof Map<?, ?> oldEntry
                                && keys.stream().allMatch(key -> Objects.equals(oldEntry.get(key), entry.get(key))))
                        .findFirst().map(Object.class::cast).orElse(ABSENT);
            }
            visit(items, item, oldItem, path + "[" + index + "]", false);
        }
    }

    private void evaluate(JSONSchemaProps schema, ValidationRule rule, Object value, Object old, String path) {
        String type = SchemaValidator.goQuoted(schema.getType() == null ? "" : schema.getType());
        String field = path.isEmpty() ? "<nil>" : path;
        CelPrograms.Compiled compiled = Boolean.TRUE.equals(rule.getOptionalOldSelf())
                ? CelPrograms.ruleWithOptionalOldSelf(rule.getRule()) : CelPrograms.rule(rule.getRule());
        if (!compiled.compiles()) {
            violations.add(new ObjectValidation.Violation("FieldValueInvalid", field,
                    "Invalid value: " + type + ": rule compile error: " + compiled.errors()));
            return;
        }
        boolean optionalOldSelf = Boolean.TRUE.equals(rule.getOptionalOldSelf());
        if (compiled.transition() && old == ABSENT && !optionalOldSelf) {
            return; // a transition rule needs the old value, unless oldSelf is an optional
        }
        Map<String, Object> variables = new HashMap<>(4);
        variables.put(CelValues.SELF, CelValues.of(schema, value));
        if (optionalOldSelf) {
            variables.put(CelValues.OLD_SELF, old == ABSENT ? Optional.empty() : Optional.of(CelValues.of(schema, old)));
        } else if (old != ABSENT) {
            variables.put(CelValues.OLD_SELF, CelValues.of(schema, old));
        }
        if (remainingBudget <= 0) {
            outOfBudget(field, type);
            return;
        }
        Object result;
        CelCostLimit cost = new CelCostLimit(CelCostLimit.PER_CALL_LIMIT);
        try {
            result = compiled.evaluate(variables, cost);
            if (spend(cost, field, type)) {
                return;
            }
        } catch (CelCostLimit.Exceeded exceeded) {
            violations.add(new ObjectValidation.Violation("FieldValueInvalid", field, "Invalid value: " + type + ": '"
                    + exceeded.getMessage() + "': no further validation rules will be run due to call cost exceeds "
                    + "limit for rule: " + ruleText(rule)));
            stopped = true;
            return;
        } catch (CelEvaluationException | RuntimeException failed) {
            if (!spend(cost, field, type)) {
                violations.add(new ObjectValidation.Violation("FieldValueInvalid", field, "Invalid value: " + type
                        + ": " + evaluationError(failed) + " evaluating rule: " + ruleText(rule)));
            }
            return;
        }
        if (Boolean.TRUE.equals(result)) {
            return;
        }
        String failedPath = withFieldPath(path, rule.getFieldPath());
        String message = message(rule, variables);
        String reason = rule.getReason() == null ? "FieldValueInvalid" : rule.getReason();
        violations.add(new ObjectValidation.Violation(reason, failedPath.isEmpty() ? "<nil>" : failedPath,
                switch (reason) {
                    case "FieldValueForbidden" -> "Forbidden: " + message;
                    case "FieldValueRequired" -> "Required value: " + message;
                    case "FieldValueDuplicate" -> "Duplicate value: " + type;
                    default -> "Invalid value: " + type + ": " + message;
                }));
    }

    /** Takes what an evaluation cost from the budget; true (and reported) when the budget has run out. */
    private boolean spend(CelCostLimit cost, String field, String type) {
        if (cost.cost() > remainingBudget) {
            outOfBudget(field, type);
            return true;
        }
        remainingBudget -= cost.cost();
        return false;
    }

    private void outOfBudget(String field, String type) {
        violations.add(new ObjectValidation.Violation("FieldValueInvalid", field, "Invalid value: " + type
                + ": validation failed due to running out of cost budget, no further validation rules will be run"));
        stopped = true;
    }

    /** The rule's messageExpression's value when it makes a one-line message, else its message or the default. */
    private static String message(ValidationRule rule, Map<String, Object> variables) {
        if (rule.getMessageExpression() != null && !rule.getMessageExpression().isEmpty()) {
            CelPrograms.Compiled expression = CelPrograms.messageExpression(rule.getMessageExpression());
            if (expression.compiles()) {
                try {
                    if (expression.evaluate(variables) instanceof String text && !text.isBlank()
                            && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
                        return text;
                    }
                } catch (CelEvaluationException | RuntimeException ignored) {
                    // as on the API server: the rule's message is used instead
                }
            }
        }
        return rule.getMessage() == null || rule.getMessage().isEmpty() ? "failed rule: " + ruleText(rule)
                : rule.getMessage().strip();
    }

    private static String ruleText(ValidationRule rule) {
        return (rule.getMessage() == null || rule.getMessage().isEmpty() ? rule.getRule() : rule.getMessage()).strip();
    }

    /**
     * cel-java's evaluation error in cel-go's words where they differ ({@code no such key: tls}); a Kubernetes library
     * function's own error as it is.
     */
    private static String evaluationError(Exception failed) {
        for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
            if (cause instanceof CelLibrary.FunctionError error) {
                return error.getMessage();
            }
        }
        String message = String.valueOf(failed.getMessage());
        Matcher missing = MISSING_KEY.matcher(message);
        if (missing.find()) {
            return "no such key: " + missing.group(1);
        }
        return message.replaceFirst("^evaluation error(?: at [^:]*)?: ", "");
    }

    /** {@code path} extended by a rule's {@code fieldPath} ({@code .tls.mode}, {@code .labels['a']}). */
    static String withFieldPath(String path, String fieldPath) {
        if (fieldPath == null || fieldPath.isEmpty()) {
            return path;
        }
        String relative = QUOTED_KEY.matcher(fieldPath).replaceAll(match -> Matcher.quoteReplacement(
                "[" + match.group(1) + "]"));
        if (path.isEmpty()) {
            return relative.startsWith(".") ? relative.substring(1) : relative;
        }
        return path + (relative.startsWith(".") || relative.startsWith("[") ? relative : "." + relative);
    }
}

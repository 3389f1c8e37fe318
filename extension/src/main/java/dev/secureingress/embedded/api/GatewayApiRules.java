package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CEL validation rules ({@code x-kubernetes-validations}) of the Gateway API v1.4 standard-channel CRDs, with
 * their messages, as a table by JSON path applied to the schemas {@link GatewayApiConstraints} made: a Gateway's
 * listener names must be unique, {@code tls} is not allowed on an HTTP listener, a rule may not combine
 * RequestRedirect and URLRewrite, a GatewayClass's {@code controllerName} may not change, ... The API server
 * evaluates them with {@link CelValidation}.
 *
 * <p>Covered: Gateway, GatewayClass, HTTPRoute, BackendTLSPolicy, and GRPCRoute's references, rules (at most 128
 * matches in all), method matches and filters (ReferenceGrant has none). Left out: the rules on status fields,
 * unique names of a GRPCRoute's rules (experimental in the sources at hand), and TLSRoute's rules (not in v1.4's
 * standard channel).
 */
final class GatewayApiRules {

    private static final String EXACT_OR_PREFIX = "(self.type in ['Exact','PathPrefix'])";
    private static final String DNS_LABELS = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    private static final String LABEL_KEY = "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
            + "([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$";
    /** The same parent: group, kind, name and namespace (unset or empty meaning the route's) are equal. */
    private static final String SAME_PARENT = "p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name && "
            + "(((!has(p1.__namespace__) || p1.__namespace__ == '') && (!has(p2.__namespace__) || p2.__namespace__ == ''))"
            + " || (has(p1.__namespace__) && has(p2.__namespace__) && p1.__namespace__ == p2.__namespace__ ))";

    /** The same target: group, kind and name are equal. */
    private static final String SAME_TARGET = "p1.group == p2.group && p1.kind == p2.kind && p1.name == p2.name";

    private static final String TOTAL_MATCHES = "While 16 rules and 64 matches per rule are allowed, the total number "
            + "of matches across all rules in a route must be less than 128";

    private static final List<ValidationRule> PARENT_REFS = List.of(
            rule("sectionName must be specified when parentRefs includes 2 or more references to the same parent",
                    "self.all(p1, self.all(p2, " + SAME_PARENT + " ? ((!has(p1.sectionName) || p1.sectionName == '')"
                            + " == (!has(p2.sectionName) || p2.sectionName == '')) : true))"),
            rule("sectionName must be unique when parentRefs includes 2 or more references to the same parent",
                    "self.all(p1, self.exists_one(p2, " + SAME_PARENT + " && (((!has(p1.sectionName) || "
                            + "p1.sectionName == '') && (!has(p2.sectionName) || p2.sectionName == '')) || "
                            + "(has(p1.sectionName) && has(p2.sectionName) && p1.sectionName == p2.sectionName))))"));
    private static final List<ValidationRule> SERVICE_PORT = List.of(rule("Must have port for Service reference",
            "(size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true"));
    private static final List<ValidationRule> FILTER_LIST = List.of(
            rule("May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both",
                    "!(self.exists(f, f.type == 'RequestRedirect') && self.exists(f, f.type == 'URLRewrite'))"),
            notRepeated("RequestHeaderModifier"),
            notRepeated("ResponseHeaderModifier"),
            notRepeated("RequestRedirect"),
            notRepeated("URLRewrite"));
    private static final List<ValidationRule> PATH_MODIFIER = List.of(
            rule("replaceFullPath must be specified when type is set to 'ReplaceFullPath'",
                    "self.type == 'ReplaceFullPath' ? has(self.replaceFullPath) : true"),
            rule("type must be 'ReplaceFullPath' when replaceFullPath is set",
                    "has(self.replaceFullPath) ? self.type == 'ReplaceFullPath' : true"),
            rule("replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'",
                    "self.type == 'ReplacePrefixMatch' ? has(self.replacePrefixMatch) : true"),
            rule("type must be 'ReplacePrefixMatch' when replacePrefixMatch is set",
                    "has(self.replacePrefixMatch) ? self.type == 'ReplacePrefixMatch' : true"));
    private static final List<ValidationRule> MIRROR = List.of(
            rule("Only one of percent or fraction may be specified in HTTPRequestMirrorFilter",
                    "!(has(self.percent) && has(self.fraction))"));
    private static final List<ValidationRule> FRACTION = List.of(
            rule("numerator must be less than or equal to denominator", "self.numerator <= self.denominator"));

    private static final Map<Class<?>, List<Rules>> RULES = Map.of(
            GatewayClass.class, List.of(
                    at("spec.controllerName", rule("Value is immutable", "self == oldSelf"))),
            Gateway.class, List.of(
                    at("spec.addresses",
                            rule("IPAddress values must be unique", "self.all(a1, a1.type == 'IPAddress' && "
                                    + "has(a1.value) ? self.exists_one(a2, a2.type == a1.type && has(a2.value) && "
                                    + "a2.value == a1.value) : true )"),
                            rule("Hostname values must be unique", "self.all(a1, a1.type == 'Hostname'  && "
                                    + "has(a1.value) ? self.exists_one(a2, a2.type == a1.type && has(a2.value) && "
                                    + "a2.value == a1.value) : true )")),
                    at("spec.addresses[]", rule("Hostname value must be empty or contain only valid characters "
                                    + "(matching ^(\\*\\.)?" + DNS_LABELS + "$)",
                            "self.type == 'Hostname' ? (!has(self.value) || self.value.matches(r\"\"\"^(\\*\\.)?"
                                    + DNS_LABELS + "$\"\"\")): true")),
                    at("spec.infrastructure.annotations",
                            rule("Annotation keys must be in the form of an optional DNS subdomain prefix followed "
                                    + "by a required name segment of up to 63 characters.",
                                    "self.all(key, key.matches(r\"\"\"" + LABEL_KEY + "\"\"\"))"),
                            rule("If specified, the annotation key's prefix must be a DNS subdomain not longer than "
                                    + "253 characters in total.", "self.all(key, key.split(\"/\")[0].size() < 253)")),
                    at("spec.infrastructure.labels",
                            rule("Label keys must be in the form of an optional DNS subdomain prefix followed by a "
                                    + "required name segment of up to 63 characters.",
                                    "self.all(key, key.matches(r\"\"\"" + LABEL_KEY + "\"\"\"))"),
                            rule("If specified, the label key's prefix must be a DNS subdomain not longer than 253 "
                                    + "characters in total.", "self.all(key, key.split(\"/\")[0].size() < 253)")),
                    at("spec.listeners",
                            rule("tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']",
                                    "self.all(l, l.protocol.matches('(?i)^(HTTP|TCP|UDP)$') ? !has(l.tls) : true)"),
                            rule("tls mode must be Terminate for protocol HTTPS", "self.all(l, "
                                    + "(l.protocol.matches('(?i)^HTTPS$') && has(l.tls)) ? (l.tls.mode == '' || "
                                    + "l.tls.mode == 'Terminate') : true)"),
                            rule("tls mode must be set for protocol TLS", "self.all(l, (l.protocol.matches("
                                    + "'(?i)^TLS$') ? has(l.tls) && has(l.tls.mode) && l.tls.mode != '' : true))"),
                            rule("hostname must not be specified for protocols ['TCP', 'UDP']", "self.all(l, "
                                    + "l.protocol.matches('(?i)^(TCP|UDP)$')  ? (!has(l.hostname) || l.hostname == '')"
                                    + " : true)"),
                            rule("Listener name must be unique within the Gateway",
                                    "self.all(l1, self.exists_one(l2, l1.name == l2.name))"),
                            rule("Combination of port, protocol and hostname must be unique for each listener",
                                    "self.all(l1, self.exists_one(l2, l1.port == l2.port && l1.protocol == "
                                            + "l2.protocol && (has(l1.hostname) && has(l2.hostname) ? l1.hostname == "
                                            + "l2.hostname : !has(l1.hostname) && !has(l2.hostname))))")),
                    at("spec.listeners[].tls", rule("certificateRefs or options must be specified when mode is "
                            + "Terminate", "self.mode == 'Terminate' ? size(self.certificateRefs) > 0 || "
                            + "size(self.options) > 0 : true")),
                    at("spec.tls.frontend.perPort", rule("Port for TLS configuration must be unique within the "
                            + "Gateway", "self.all(t1, self.exists_one(t2, t1.port == t2.port))"))),
            HTTPRoute.class, httpRouteRules(),
            GRPCRoute.class, grpcRouteRules(),
            BackendTLSPolicy.class, List.of(
                    at("spec.targetRefs",
                            rule("sectionName must be specified when targetRefs includes 2 or more references to the "
                                    + "same target", "self.all(p1, self.all(p2, " + SAME_TARGET + " ? ((!has("
                                    + "p1.sectionName) || p1.sectionName == '') == (!has(p2.sectionName) || "
                                    + "p2.sectionName == '')) : true))"),
                            rule("sectionName must be unique when targetRefs includes 2 or more references to the "
                                    + "same target", "self.all(p1, self.exists_one(p2, " + SAME_TARGET + " && (((!has("
                                    + "p1.sectionName) || p1.sectionName == '') && (!has(p2.sectionName) || "
                                    + "p2.sectionName == '')) || (has(p1.sectionName) && has(p2.sectionName) && "
                                    + "p1.sectionName == p2.sectionName))))")),
                    at("spec.validation",
                            rule("must not contain both CACertificateRefs and WellKnownCACertificates",
                                    "!(has(self.caCertificateRefs) && size(self.caCertificateRefs) > 0 && "
                                            + "has(self.wellKnownCACertificates) && self.wellKnownCACertificates != \"\")"),
                            rule("must specify either CACertificateRefs or WellKnownCACertificates",
                                    "(has(self.caCertificateRefs) && size(self.caCertificateRefs) > 0 || "
                                            + "has(self.wellKnownCACertificates) && self.wellKnownCACertificates != \"\")"))));

    private GatewayApiRules() {
    }

    private static List<Rules> grpcRouteRules() {
        List<Rules> rules = new ArrayList<>(List.of(
                at("spec.parentRefs", PARENT_REFS),
                at("spec.rules", rule(TOTAL_MATCHES, totalMatches(true))),
                at("spec.rules[].backendRefs[]", SERVICE_PORT),
                at("spec.rules[].matches[].method",
                        rule("One or both of 'service' or 'method' must be specified",
                                "has(self.type) ? has(self.service) || has(self.method) : true"),
                        rule("service must only contain valid characters (matching "
                                        + "^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$)",
                                "(!has(self.type) || self.type == 'Exact') && has(self.service) ? "
                                        + "self.service.matches(r\"\"\"^(?i)\\.?[a-z_][a-z_0-9]*"
                                        + "(\\.[a-z_][a-z_0-9]*)*$\"\"\"): true"),
                        rule("method must only contain valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$)",
                                "(!has(self.type) || self.type == 'Exact') && has(self.method) ? "
                                        + "self.method.matches(r\"\"\"^[A-Za-z_][A-Za-z_0-9]*$\"\"\"): true"))));
        for (String filters : List.of("spec.rules[].filters", "spec.rules[].backendRefs[].filters")) {
            rules.add(at(filters, notRepeated("RequestHeaderModifier"), notRepeated("ResponseHeaderModifier")));
            rules.add(at(filters + "[]", filterRules("requestHeaderModifier", "RequestHeaderModifier",
                    "responseHeaderModifier", "ResponseHeaderModifier", "requestMirror", "RequestMirror",
                    "extensionRef", "ExtensionRef")));
            rules.add(at(filters + "[].requestMirror.fraction", FRACTION));
            rules.add(at(filters + "[].requestMirror.backendRef", SERVICE_PORT));
        }
        return rules;
    }

    /**
     * Adds the Gateway API's CEL rules for {@code kind} to {@code schema}, its schema with the constraints applied,
     * in place; nothing for a kind without any here.
     *
     * @throws IllegalStateException when a field with rules is missing from the schema
     */
    static JSONSchemaProps applyTo(Class<?> kind, JSONSchemaProps schema) {
        for (Rules rules : RULES.getOrDefault(kind, List.of())) {
            JSONSchemaProps node = GatewayApiConstraints.schemaAt(schema, rules.path(), kind);
            List<ValidationRule> validations = new ArrayList<>(
                    node.getXKubernetesValidations() == null ? List.of() : node.getXKubernetesValidations());
            validations.addAll(rules.rules());
            node.setXKubernetesValidations(validations);
        }
        return schema;
    }

    /** The text of every rule here, for the build to compile ({@link CelPrograms#compileAll}). */
    static List<String> ruleTexts() {
        return RULES.values().stream().flatMap(List::stream).flatMap(rules -> rules.rules().stream())
                .map(ValidationRule::getRule).distinct().toList();
    }

    private static List<Rules> httpRouteRules() {
        String prefixMatchOnly = " ? ((size(self.matches) != 1 || !has(self.matches[0].path) || "
                + "self.matches[0].path.type != 'PathPrefix') ? false : true) : true";
        List<Rules> rules = new ArrayList<>(List.of(
                at("spec.parentRefs", PARENT_REFS),
                at("spec.rules",
                        rule("Rule name must be unique within the route",
                                "self.all(l1, !has(l1.name) || self.exists_one(l2, has(l2.name) && l1.name == l2.name))"),
                        rule(TOTAL_MATCHES, totalMatches(false))),
                at("spec.rules[]",
                        rule("RequestRedirect filter must not be used together with backendRefs",
                                "(has(self.backendRefs) && size(self.backendRefs) > 0) ? (!has(self.filters) || "
                                        + "self.filters.all(f, !has(f.requestRedirect))): true"),
                        rule("When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix "
                                + "match must be specified", "(has(self.filters) && self.filters.exists_one(f, "
                                + "has(f.requestRedirect) && has(f.requestRedirect.path) && f.requestRedirect.path.type"
                                + " == 'ReplacePrefixMatch' && has(f.requestRedirect.path.replacePrefixMatch)))"
                                + prefixMatchOnly),
                        rule("When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match "
                                + "must be specified", "(has(self.filters) && self.filters.exists_one(f, "
                                + "has(f.urlRewrite) && has(f.urlRewrite.path) && f.urlRewrite.path.type == "
                                + "'ReplacePrefixMatch' && has(f.urlRewrite.path.replacePrefixMatch)))"
                                + prefixMatchOnly),
                        rule("Within backendRefs, when using RequestRedirect filter with path.replacePrefixMatch, "
                                + "exactly one PathPrefix match must be specified", "(has(self.backendRefs) && "
                                + "self.backendRefs.exists_one(b, (has(b.filters) && b.filters.exists_one(f, "
                                + "has(f.requestRedirect) && has(f.requestRedirect.path) && f.requestRedirect.path.type"
                                + " == 'ReplacePrefixMatch' && has(f.requestRedirect.path.replacePrefixMatch))) ))"
                                + prefixMatchOnly),
                        rule("Within backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly "
                                + "one PathPrefix match must be specified", "(has(self.backendRefs) && "
                                + "self.backendRefs.exists_one(b, (has(b.filters) && b.filters.exists_one(f, "
                                + "has(f.urlRewrite) && has(f.urlRewrite.path) && f.urlRewrite.path.type == "
                                + "'ReplacePrefixMatch' && has(f.urlRewrite.path.replacePrefixMatch))) ))"
                                + prefixMatchOnly)),
                at("spec.rules[].matches[].path", pathMatchRules()),
                at("spec.rules[].timeouts", rule("backendRequest timeout cannot be longer than request timeout",
                        "!(has(self.request) && has(self.backendRequest) && duration(self.request) != duration('0s')"
                                + " && duration(self.backendRequest) > duration(self.request))")),
                at("spec.rules[].backendRefs[]", SERVICE_PORT)));
        for (String filters : List.of("spec.rules[].filters", "spec.rules[].backendRefs[].filters")) {
            rules.add(at(filters, FILTER_LIST));
            rules.add(at(filters + "[]", filterRules("requestHeaderModifier", "RequestHeaderModifier",
                    "responseHeaderModifier", "ResponseHeaderModifier", "requestMirror", "RequestMirror",
                    "requestRedirect", "RequestRedirect", "urlRewrite", "URLRewrite", "extensionRef", "ExtensionRef")));
            rules.add(at(filters + "[].requestMirror", MIRROR));
            rules.add(at(filters + "[].requestMirror.fraction", FRACTION));
            rules.add(at(filters + "[].requestMirror.backendRef", SERVICE_PORT));
            rules.add(at(filters + "[].requestRedirect.path", PATH_MODIFIER));
            rules.add(at(filters + "[].urlRewrite.path", PATH_MODIFIER));
        }
        return rules;
    }

    /**
     * The sum of the matches of the (up to 16) rules, written out as the CRDs write it; a GRPCRoute's rule may have
     * no {@code matches} ({@code guarded}).
     */
    private static String totalMatches(boolean guarded) {
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String size = "self[" + i + "].matches.size()";
            terms.add("(self.size() > " + i + " ? " + (guarded ? "(has(self[" + i + "].matches) ? " + size + " : 0)"
                    : size) + " : 0)");
        }
        return String.join(" + ", terms) + " <= 128";
    }

    /** Each filter field, given with its filter type, is set exactly for that filter type. */
    private static List<ValidationRule> filterRules(String... fieldsAndTypes) {
        List<ValidationRule> rules = new ArrayList<>();
        for (int i = 0; i < fieldsAndTypes.length; i += 2) {
            String field = fieldsAndTypes[i];
            String type = fieldsAndTypes[i + 1];
            rules.add(rule("filter." + field + " must be nil if the filter.type is not " + type,
                    "!(has(self." + field + ") && self.type != '" + type + "')"));
            rules.add(rule("filter." + field + " must be specified for " + type + " filter.type",
                    "!(!has(self." + field + ") && self.type == '" + type + "')"));
        }
        return rules;
    }

    private static List<ValidationRule> pathMatchRules() {
        List<ValidationRule> rules = new ArrayList<>();
        rules.add(rule("value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
                EXACT_OR_PREFIX + " ? self.value.startsWith('/') : true"));
        for (String part : List.of("//", "/./", "/../", "%2f", "%2F", "#")) {
            rules.add(rule("must not contain '" + part + "' when type one of ['Exact', 'PathPrefix']",
                    EXACT_OR_PREFIX + " ? !self.value.contains('" + part + "') : true"));
        }
        for (String end : List.of("/..", "/.")) {
            rules.add(rule("must not end with '" + end + "' when type one of ['Exact', 'PathPrefix']",
                    EXACT_OR_PREFIX + " ? !self.value.endsWith('" + end + "') : true"));
        }
        rules.add(rule("type must be one of ['Exact', 'PathPrefix', 'RegularExpression']",
                "self.type in ['Exact','PathPrefix'] || self.type == 'RegularExpression'"));
        String characters = "^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$";
        rules.add(rule("must only contain valid characters (matching " + characters + ") for types ['Exact', "
                + "'PathPrefix']", EXACT_OR_PREFIX + " ? self.value.matches(r\"\"\"" + characters + "\"\"\") : true"));
        return rules;
    }

    private static ValidationRule notRepeated(String filterType) {
        return rule(filterType + " filter cannot be repeated",
                "self.filter(f, f.type == '" + filterType + "').size() <= 1");
    }

    private static ValidationRule rule(String message, String rule) {
        ValidationRule validation = new ValidationRule();
        validation.setMessage(message);
        validation.setRule(rule);
        return validation;
    }

    /** The rules of the field at a path (property names joined by dots, {@code []} for a list's items). */
    private record Rules(String path, List<ValidationRule> rules) {
    }

    private static Rules at(String path, ValidationRule... rules) {
        return new Rules(path, List.of(rules));
    }

    private static Rules at(String path, List<ValidationRule> rules) {
        return new Rules(path, rules);
    }
}

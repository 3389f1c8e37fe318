package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSRoute;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validation constraints and defaults the Gateway API v1.4 standard-channel CRDs put on the fields users write
 * (Gateway, GatewayClass, HTTPRoute, GRPCRoute's matches and filters, ReferenceGrant, BackendTLSPolicy's references and
 * validation, and the shared types: ParentReference, BackendRef, Hostname, SectionName, PortNumber, ..., also where
 * GRPCRoute and TLSRoute use them, and a label selector's expressions), as a table by JSON path applied on top of the structural schemas derived from
 * fabric8's models ({@link ModelSchemas}): {@code required}, {@code enum}, {@code pattern}, {@code minimum} and
 * {@code maximum}, {@code minLength} and {@code maxLength}, {@code minItems} and {@code maxItems}, {@code default}.
 *
 * <p>The {@code status} of a Gateway and of a GatewayClass defaults to conditions of status {@code Unknown}, reason
 * {@code Pending}, message "Waiting for controller" ({@code Accepted} and {@code Programmed} for a Gateway,
 * {@code Accepted} for a class): what an object no controller has handled yet shows on a cluster. Routes have no
 * status default.
 *
 * <p>The CRDs' CEL rules ({@code x-kubernetes-validations}, e.g. unique listener names or "tls must not be specified
 * for protocols ['HTTP', 'TCP', 'UDP']") are {@link GatewayApiRules}' job. Left out: {@code oneOf}/{@code anyOf} and
 * formats, the fields of other kinds, and the constraints on status fields.
 */
final class GatewayApiConstraints {

    private static final String DNS_SUBDOMAIN = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    private static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

    // the Gateway API's named string and number types
    private static final Constraint GROUP = maxLength(253).and(pattern("^$|^" + DNS_SUBDOMAIN + "$"));
    private static final Constraint KIND = length(1, 63).and(pattern("^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$"));
    private static final Constraint OBJECT_NAME = length(1, 253);
    private static final Constraint NAMESPACE = length(1, 63).and(pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"));
    private static final Constraint SECTION_NAME = length(1, 253).and(pattern("^" + DNS_SUBDOMAIN + "$"));
    private static final Constraint HOSTNAME = length(1, 253).and(pattern("^(\\*\\.)?" + DNS_SUBDOMAIN + "$"));
    private static final Constraint PRECISE_HOSTNAME = length(1, 253).and(pattern("^" + DNS_SUBDOMAIN + "$"));
    private static final Constraint PORT_NUMBER = range(1, 65535);
    private static final Constraint HTTP_HEADER_NAME =
            length(1, 256).and(pattern("^[A-Za-z0-9!#$%&'*+\\-.^_\\x60|~]+$"));

    // the Gateway API's references
    private static final Constraint PARENT_REFERENCE = required("name")
            .and(field("group", GROUP.and(defaultValue(GATEWAY_GROUP))))
            .and(field("kind", KIND.and(defaultValue("Gateway"))))
            .and(field("namespace", NAMESPACE))
            .and(field("name", OBJECT_NAME))
            .and(field("sectionName", SECTION_NAME))
            .and(field("port", PORT_NUMBER));
    private static final Constraint BACKEND_OBJECT_REFERENCE = required("name")
            .and(field("group", GROUP.and(defaultValue(""))))
            .and(field("kind", KIND.and(defaultValue("Service"))))
            .and(field("name", OBJECT_NAME))
            .and(field("namespace", NAMESPACE))
            .and(field("port", PORT_NUMBER));
    private static final Constraint SECRET_OBJECT_REFERENCE = required("name")
            .and(field("group", GROUP.and(defaultValue(""))))
            .and(field("kind", KIND.and(defaultValue("Secret"))))
            .and(field("name", OBJECT_NAME))
            .and(field("namespace", NAMESPACE));
    private static final Constraint BACKEND_REF =
            BACKEND_OBJECT_REFERENCE.and(field("weight", defaultValue(1).and(range(0, 1_000_000))));
    private static final Constraint LOCAL_OBJECT_REFERENCE = required("group", "kind", "name")
            .and(field("group", GROUP))
            .and(field("kind", KIND))
            .and(field("name", OBJECT_NAME));
    private static final Constraint PARAMETERS_REFERENCE = LOCAL_OBJECT_REFERENCE.and(field("namespace", NAMESPACE));

    // the HTTPRoute's filters, used on rules and on backendRefs
    private static final Constraint HTTP_HEADERS = maxItems(16).and(items(required("name", "value")
            .and(field("name", HTTP_HEADER_NAME))
            .and(field("value", length(1, 4096)))));
    private static final Constraint HEADER_FILTER = field("set", HTTP_HEADERS)
            .and(field("add", HTTP_HEADERS))
            .and(field("remove", maxItems(16)));
    private static final Constraint PATH_MODIFIER = required("type")
            .and(field("type", enumOf("ReplaceFullPath", "ReplacePrefixMatch")))
            .and(field("replaceFullPath", maxLength(1024)))
            .and(field("replacePrefixMatch", maxLength(1024)));
    private static final Constraint HTTP_ROUTE_FILTERS = maxItems(16).and(items(required("type")
            .and(field("type", enumOf("RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror",
                    "RequestRedirect", "URLRewrite", "ExtensionRef")))
            .and(field("requestHeaderModifier", HEADER_FILTER))
            .and(field("responseHeaderModifier", HEADER_FILTER))
            .and(field("requestMirror", required("backendRef")
                    .and(field("backendRef", BACKEND_OBJECT_REFERENCE))
                    .and(field("percent", range(0, 100)))))
            .and(field("requestRedirect", field("scheme", enumOf("http", "https"))
                    .and(field("hostname", PRECISE_HOSTNAME))
                    .and(field("path", PATH_MODIFIER))
                    .and(field("port", PORT_NUMBER))
                    .and(field("statusCode", defaultValue(302).and(enumOf(301, 302))))))
            .and(field("urlRewrite", field("hostname", PRECISE_HOSTNAME).and(field("path", PATH_MODIFIER))))
            .and(field("extensionRef", LOCAL_OBJECT_REFERENCE))));
    private static final Constraint GRPC_ROUTE_FILTERS = maxItems(16).and(items(required("type")
            .and(field("type", enumOf("ResponseHeaderModifier", "RequestHeaderModifier", "RequestMirror",
                    "ExtensionRef")))
            .and(field("requestHeaderModifier", HEADER_FILTER))
            .and(field("responseHeaderModifier", HEADER_FILTER))
            .and(field("requestMirror", required("backendRef")
                    .and(field("backendRef", BACKEND_OBJECT_REFERENCE))
                    .and(field("percent", range(0, 100)))))
            .and(field("extensionRef", LOCAL_OBJECT_REFERENCE))));
    /** A header match of a route: name and value required, Exact by default. */
    private static final Constraint HEADER_MATCHES = maxItems(16).and(items(required("name", "value")
            .and(field("type", defaultValue("Exact").and(enumOf("Exact", "RegularExpression"))))
            .and(field("name", HTTP_HEADER_NAME))
            .and(field("value", length(1, 4096)))));
    private static final Map<String, Object> ROOT_PATH = object("type", "PathPrefix", "value", "/");

    /** The reason of the conditions an object carries until a controller handles it. */
    private static final String PENDING_REASON = "Pending";
    /** The message of the conditions an object carries until a controller handles it. */
    private static final String PENDING_MESSAGE = "Waiting for controller";
    private static final List<Map<String, Object>> GATEWAY_CLASS_PENDING = pendingConditions("Accepted");
    private static final List<Map<String, Object>> GATEWAY_PENDING = pendingConditions("Accepted", "Programmed");

    private static final Map<Class<?>, List<Rule>> RULES = Map.of(
            GatewayClass.class, List.of(
                    at("", required("spec")),
                    at("spec", required("controllerName")),
                    at("spec.controllerName", length(1, 253)
                            .and(pattern("^" + DNS_SUBDOMAIN + "\\/[A-Za-z0-9\\/\\-._~%!$&'()*+,;=:]+$"))),
                    at("spec.description", maxLength(64)),
                    at("spec.parametersRef", PARAMETERS_REFERENCE),
                    at("status", defaultValue(object("conditions", GATEWAY_CLASS_PENDING))),
                    at("status.conditions", defaultValue(GATEWAY_CLASS_PENDING))),
            Gateway.class, List.of(
                    at("", required("spec")),
                    at("spec", required("gatewayClassName", "listeners")),
                    at("spec.gatewayClassName", OBJECT_NAME),
                    at("spec.addresses", maxItems(16)),
                    at("spec.addresses[].type", length(1, 253).and(defaultValue("IPAddress")).and(pattern(
                            "^Hostname|IPAddress|NamedAddress|" + DNS_SUBDOMAIN + "\\/[A-Za-z0-9\\/\\-._~%!$&'()*+,;=:]+$"))),
                    at("spec.addresses[].value", maxLength(253)),
                    at("spec.listeners", minItems(1).and(maxItems(64))),
                    at("spec.listeners[]", required("name", "port", "protocol")),
                    at("spec.listeners[].name", SECTION_NAME),
                    at("spec.listeners[].hostname", HOSTNAME),
                    at("spec.listeners[].port", PORT_NUMBER),
                    at("spec.listeners[].protocol", length(1, 255).and(pattern("^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|"
                            + DNS_SUBDOMAIN + "\\/[A-Za-z0-9]+$"))),
                    at("spec.listeners[].tls.mode", defaultValue("Terminate").and(enumOf("Terminate", "Passthrough"))),
                    at("spec.listeners[].tls.certificateRefs", maxItems(64).and(items(SECRET_OBJECT_REFERENCE))),
                    at("spec.listeners[].allowedRoutes", defaultValue(object("namespaces", object("from", "Same")))),
                    at("spec.listeners[].allowedRoutes.namespaces", defaultValue(object("from", "Same"))),
                    at("spec.listeners[].allowedRoutes.namespaces.from",
                            defaultValue("Same").and(enumOf("All", "Selector", "Same"))),
                    at("spec.listeners[].allowedRoutes.namespaces.selector.matchExpressions[]",
                            required("key", "operator")),
                    at("spec.listeners[].allowedRoutes.kinds", maxItems(8).and(items(required("kind")
                            .and(field("group", GROUP.and(defaultValue(GATEWAY_GROUP))))
                            .and(field("kind", KIND))))),
                    at("status", defaultValue(object("conditions", GATEWAY_PENDING))),
                    at("status.conditions", defaultValue(GATEWAY_PENDING))),
            HTTPRoute.class, List.of(
                    at("", required("spec")),
                    at("spec.parentRefs", maxItems(32).and(items(PARENT_REFERENCE))),
                    at("spec.hostnames", maxItems(16).and(items(HOSTNAME))),
                    at("spec.rules", maxItems(16).and(defaultValue(List.of(object("matches", List.of(
                            object("path", ROOT_PATH))))))),
                    at("spec.rules[].name", SECTION_NAME),
                    at("spec.rules[].matches", maxItems(64).and(defaultValue(List.of(object("path", ROOT_PATH))))),
                    at("spec.rules[].matches[].path", defaultValue(ROOT_PATH)),
                    at("spec.rules[].matches[].path.type",
                            defaultValue("PathPrefix").and(enumOf("Exact", "PathPrefix", "RegularExpression"))),
                    at("spec.rules[].matches[].path.value", defaultValue("/").and(maxLength(1024))),
                    at("spec.rules[].matches[].headers", HEADER_MATCHES),
                    at("spec.rules[].matches[].queryParams", maxItems(16).and(items(required("name", "value")
                            .and(field("type", defaultValue("Exact").and(enumOf("Exact", "RegularExpression"))))
                            .and(field("name", HTTP_HEADER_NAME))
                            .and(field("value", length(1, 1024)))))),
                    at("spec.rules[].matches[].method", enumOf("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
                            "OPTIONS", "TRACE", "PATCH")),
                    at("spec.rules[].filters", HTTP_ROUTE_FILTERS),
                    at("spec.rules[].backendRefs", maxItems(16).and(items(BACKEND_REF
                            .and(field("filters", HTTP_ROUTE_FILTERS))))),
                    at("spec.rules[].timeouts.request", pattern("^([0-9]{1,5}(h|m|s|ms)){1,4}$")),
                    at("spec.rules[].timeouts.backendRequest", pattern("^([0-9]{1,5}(h|m|s|ms)){1,4}$"))),
            GRPCRoute.class, List.of(
                    at("spec.parentRefs", maxItems(32).and(items(PARENT_REFERENCE))),
                    at("spec.hostnames", maxItems(16).and(items(HOSTNAME))),
                    at("spec.rules", maxItems(16)),
                    at("spec.rules[].matches", maxItems(64)),
                    at("spec.rules[].matches[].method.type",
                            defaultValue("Exact").and(enumOf("Exact", "RegularExpression"))),
                    at("spec.rules[].matches[].method.service", maxLength(1024)),
                    at("spec.rules[].matches[].method.method", maxLength(1024)),
                    at("spec.rules[].matches[].headers", HEADER_MATCHES),
                    at("spec.rules[].filters", GRPC_ROUTE_FILTERS),
                    at("spec.rules[].backendRefs", maxItems(16).and(items(BACKEND_REF
                            .and(field("filters", GRPC_ROUTE_FILTERS)))))),
            TLSRoute.class, List.of(
                    at("spec.parentRefs", maxItems(32).and(items(PARENT_REFERENCE))),
                    at("spec.hostnames", items(HOSTNAME)),
                    at("spec.rules[].backendRefs", items(BACKEND_REF))),
            BackendTLSPolicy.class, List.of(
                    at("spec", required("targetRefs", "validation")),
                    at("spec.targetRefs", minItems(1).and(maxItems(16))
                            .and(items(LOCAL_OBJECT_REFERENCE.and(field("sectionName", SECTION_NAME))))),
                    at("spec.validation", required("hostname")),
                    at("spec.validation.caCertificateRefs", maxItems(8).and(items(LOCAL_OBJECT_REFERENCE))),
                    at("spec.validation.wellKnownCACertificates", enumOf("System")),
                    at("spec.validation.hostname", PRECISE_HOSTNAME)),
            ReferenceGrant.class, List.of(
                    at("spec", required("from", "to")),
                    at("spec.from", minItems(1).and(maxItems(16)).and(items(required("group", "kind", "namespace")
                            .and(field("group", GROUP))
                            .and(field("kind", KIND))
                            .and(field("namespace", NAMESPACE))))),
                    at("spec.to", minItems(1).and(maxItems(16)).and(items(required("group", "kind")
                            .and(field("group", GROUP))
                            .and(field("kind", KIND))
                            .and(field("name", OBJECT_NAME)))))));

    private GatewayApiConstraints() {
    }

    /**
     * A copy of {@code derived}, the structural schema of {@code kind}, carrying the Gateway API's constraints and
     * defaults for that kind; a plain copy for a kind without any here.
     *
     * @throws IllegalStateException when a constrained field is missing from the derived schema
     */
    static JSONSchemaProps applyTo(Class<?> kind, JSONSchemaProps derived) {
        JSONSchemaProps schema = ApiJson.convert(derived, JSONSchemaProps.class);
        for (Rule rule : RULES.getOrDefault(kind, List.of())) {
            rule.constraint().accept(schemaAt(schema, rule.path(), kind));
        }
        return schema;
    }

    /** The schema of the field at {@code path}: property names joined by dots, {@code []} for a list's items. */
    static JSONSchemaProps schemaAt(JSONSchemaProps root, String path, Class<?> kind) {
        JSONSchemaProps schema = root;
        for (String step : path.isEmpty() ? new String[0] : path.split("\\.")) {
            boolean listItems = step.endsWith("[]");
            String where = kind.getSimpleName() + " " + path;
            schema = property(schema, listItems ? step.substring(0, step.length() - 2) : step, where);
            if (listItems) {
                schema = itemsOf(schema, where);
            }
        }
        return schema;
    }

    private static JSONSchemaProps property(JSONSchemaProps schema, String name, String where) {
        JSONSchemaProps property = schema.getProperties() == null ? null : schema.getProperties().get(name);
        if (property == null) {
            throw new IllegalStateException("no field '" + name + "' in the schema derived from fabric8's model at "
                    + where + ": the model changed; update GatewayApiConstraints");
        }
        return property;
    }

    private static JSONSchemaProps itemsOf(JSONSchemaProps schema, String where) {
        if (schema.getItems() == null || schema.getItems().getSchema() == null) {
            throw new IllegalStateException("no list items in the schema derived from fabric8's model at " + where
                    + ": the model changed; update GatewayApiConstraints");
        }
        return schema.getItems().getSchema();
    }

    /** A change to one field's schema. */
    @FunctionalInterface
    private interface Constraint {
        void accept(JSONSchemaProps schema);

        default Constraint and(Constraint next) {
            return schema -> {
                accept(schema);
                next.accept(schema);
            };
        }
    }

    private record Rule(String path, Constraint constraint) {
    }

    private static Rule at(String path, Constraint constraint) {
        return new Rule(path, constraint);
    }

    /** {@code constraint} on the property {@code name} of an object (the property must exist). */
    private static Constraint field(String name, Constraint constraint) {
        return schema -> constraint.accept(property(schema, name, "a constrained object"));
    }

    /** {@code constraint} on the items of a list. */
    private static Constraint items(Constraint constraint) {
        return schema -> constraint.accept(itemsOf(schema, "a constrained list"));
    }

    private static Constraint required(String... names) {
        return schema -> {
            List<String> required = new ArrayList<>(schema.getRequired() == null ? List.of() : schema.getRequired());
            Arrays.stream(names).filter(name -> !required.contains(name)).forEach(required::add);
            schema.setRequired(required);
        };
    }

    private static Constraint enumOf(Object... values) {
        return schema -> schema.setEnum(Arrays.stream(values).map(GatewayApiConstraints::json).toList());
    }

    private static Constraint defaultValue(Object value) {
        return schema -> schema.setDefault(json(value));
    }

    private static JsonNode json(Object value) {
        return ApiJson.convert(value, JsonNode.class);
    }

    /** A JSON object with {@code keysAndValues}' fields in their order. */
    private static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            object.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return object;
    }

    /** One condition of each type with status Unknown, as the CRDs default them: "1970-01-01T00:00:00Z", Pending. */
    private static List<Map<String, Object>> pendingConditions(String... types) {
        return Arrays.stream(types).map(type -> object("lastTransitionTime", "1970-01-01T00:00:00Z",
                "message", PENDING_MESSAGE, "reason", PENDING_REASON, "status", "Unknown", "type", type)).toList();
    }

    private static Constraint pattern(String regex) {
        return schema -> schema.setPattern(regex);
    }

    private static Constraint length(long min, long max) {
        return schema -> {
            schema.setMinLength(min);
            schema.setMaxLength(max);
        };
    }

    private static Constraint maxLength(long max) {
        return schema -> schema.setMaxLength(max);
    }

    private static Constraint range(double min, double max) {
        return schema -> {
            schema.setMinimum(min);
            schema.setMaximum(max);
        };
    }

    private static Constraint minItems(long min) {
        return schema -> schema.setMinItems(min);
    }

    private static Constraint maxItems(long max) {
        return schema -> schema.setMaxItems(max);
    }
}

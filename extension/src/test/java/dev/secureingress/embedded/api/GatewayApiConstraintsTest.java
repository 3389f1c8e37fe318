package dev.secureingress.embedded.api;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Gateway API's validation constraints on the seeded CRDs, enforced by the dispatcher with the API server's
 * messages: one refused write per kind of constraint (maximum, pattern, required, enum, minItems, maxItems,
 * minLength, maxLength, minimum), on Gateway, HTTPRoute, GatewayClass, ReferenceGrant and a TLSRoute's hostnames,
 * in both served versions;
 * nothing refused is stored, and a valid object is accepted.
 */
class GatewayApiConstraintsTest {

    private static final String GATEWAYS = "/apis/gateway.networking.k8s.io/v1/namespaces/default/gateways";
    private static final String HTTP_ROUTES = "/apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes";

    private final ApiRequestDispatcher dispatcher = EmbeddedApiServer.seededDispatcher();

    private static String gateway(String name, String listener) {
        return """
                {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "%s"},
                 "spec": {"gatewayClassName": "istio", "listeners": [%s]}}
                """.formatted(name, listener);
    }

    private static String httpsListener(String name, String hostname, String port, String mode) {
        return """
                {"name": "%s", "hostname": "%s", "port": %s, "protocol": "HTTPS",
                 "tls": {"mode": "%s", "certificateRefs": [{"name": "httpbin-credential"}]}}
                """.formatted(name, hostname, port, mode);
    }

    private static String route(String name, String spec) {
        return """
                {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "%s"},
                 "spec": %s}
                """.formatted(name, spec);
    }

    /** What the API server adds where it did not evaluate a kind's CEL rules because of the errors before it. */
    private static final String RULES_NOT_CHECKED = "<nil>: Invalid value: \"null\": some validation rules were not "
            + "checked because the object was invalid; correct the existing errors to complete validation";

    @Test
    void aValidGatewayIsAccepted() {
        assertThat(post(GATEWAYS, gateway("valid",
                httpsListener("https", "httpbin.example.com", "443", "Terminate"))).code()).isEqualTo(201);
    }

    @Test
    void aListenerPortAbove65535IsRefused() {
        assertRefused(GATEWAYS, gateway("high-port", httpsListener("https", "httpbin.example.com", "70000", "Terminate")),
                "Gateway.gateway.networking.k8s.io \"high-port\" is invalid: spec.listeners[0].port: Invalid value: "
                        + "70000: spec.listeners[0].port in body should be less than or equal to 65535");
    }

    @Test
    void aListenerNameMustBeADnsSubdomain() {
        assertRefused(GATEWAYS, gateway("named", httpsListener("HTTPS_1", "httpbin.example.com", "443", "Terminate")),
                "Gateway.gateway.networking.k8s.io \"named\" is invalid: spec.listeners[0].name: Invalid value: "
                        + "\"HTTPS_1\": spec.listeners[0].name in body should match "
                        + "'^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'");
    }

    @Test
    void aListenerNeedsItsProtocol() {
        assertRefused(GATEWAYS, gateway("no-protocol", "{\"name\": \"http\", \"port\": 80}"),
                "Gateway.gateway.networking.k8s.io \"no-protocol\" is invalid: [spec.listeners[0].protocol: Required value, "
                        + RULES_NOT_CHECKED + "]");
    }

    @Test
    void aListenerHostnameMustBeAHostname() {
        assertRefused(GATEWAYS, gateway("bad-host", httpsListener("https", "*.Example..com", "443", "Terminate")),
                "Gateway.gateway.networking.k8s.io \"bad-host\" is invalid: spec.listeners[0].hostname: Invalid value: "
                        + "\"*.Example..com\": spec.listeners[0].hostname in body should match "
                        + "'^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'");
    }

    @Test
    void aTlsModeMustBeTerminateOrPassthrough() {
        assertRefused(GATEWAYS, gateway("mode", httpsListener("https", "httpbin.example.com", "443", "Terminat")),
                "Gateway.gateway.networking.k8s.io \"mode\" is invalid: [spec.listeners[0].tls.mode: Unsupported value: "
                        + "\"Terminat\": supported values: \"Terminate\", \"Passthrough\", " + RULES_NOT_CHECKED + "]");
    }

    @Test
    void aGatewayNeedsAListenerAndAClassName() {
        assertRefused(GATEWAYS, gateway("empty", "").replace("\"istio\"", "\"\""),
                "Gateway.gateway.networking.k8s.io \"empty\" is invalid: ["
                        + "spec.gatewayClassName: Invalid value: \"\": spec.gatewayClassName in body should be at least "
                        + "1 chars long, spec.listeners: Invalid value: 0: spec.listeners in body should have at least 1 items]");
    }

    @Test
    void theV1beta1VersionHasTheSameConstraints() {
        assertRefused("/apis/gateway.networking.k8s.io/v1beta1/namespaces/default/gateways",
                gateway("beta", httpsListener("https", "httpbin.example.com", "0", "Terminate"))
                        .replace("gateway.networking.k8s.io/v1\"", "gateway.networking.k8s.io/v1beta1\""),
                "Gateway.gateway.networking.k8s.io \"beta\" is invalid: spec.listeners[0].port: Invalid value: 0: "
                        + "spec.listeners[0].port in body should be greater than or equal to 1");
    }

    @Test
    void aPathMatchTypeMustBeOneOfTheGatewayApis() {
        assertRefused(HTTP_ROUTES, route("prefix", """
                        {"parentRefs": [{"name": "gw"}],
                         "rules": [{"matches": [{"path": {"type": "Prefix", "value": "/"}}]}]}
                        """),
                "HTTPRoute.gateway.networking.k8s.io \"prefix\" is invalid: [spec.rules[0].matches[0].path.type: "
                        + "Unsupported value: \"Prefix\": supported values: \"Exact\", \"PathPrefix\", \"RegularExpression\", "
                        + RULES_NOT_CHECKED + "]");
    }

    @Test
    void aGrpcRoutesMatchesAndFiltersHaveTheGatewayApisEnumsAndRequiredFields() {
        MockResponse refused = post("/apis/gateway.networking.k8s.io/v1/namespaces/default/grpcroutes", """
                {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GRPCRoute", "metadata": {"name": "grpc"},
                 "spec": {"parentRefs": [{"name": "gw"}],
                          "rules": [{"matches": [{"method": {"type": "Prefix", "service": "echo.Echo"},
                                                  "headers": [{"name": "x-team"}]}],
                                     "filters": [{"type": "URLRewrite"}]}]}}
                """);

        assertThat(refused.code()).isEqualTo(422);
        assertThat(ApiJson.text(refused.getBody()))
                .contains("spec.rules[0].matches[0].method.type: Unsupported value: \\\"Prefix\\\": supported values: "
                        + "\\\"Exact\\\", \\\"RegularExpression\\\"")
                .contains("spec.rules[0].matches[0].headers[0].value: Required value")
                .contains("spec.rules[0].filters[0].type: Unsupported value: \\\"URLRewrite\\\"");
    }

    @Test
    void aRouteHasAtMostSixteenHostnames() {
        String hostnames = IntStream.range(0, 17).mapToObj(i -> "\"h" + i + ".example.com\"")
                .collect(Collectors.joining(", "));
        assertRefused(HTTP_ROUTES, route("hosts", "{\"hostnames\": [" + hostnames + "]}"),
                "HTTPRoute.gateway.networking.k8s.io \"hosts\" is invalid: [spec.hostnames: Too many: 17: must have at "
                        + "most 16 items, " + RULES_NOT_CHECKED + "]");
    }

    @Test
    void backendRefsAndFiltersAreChecked() {
        assertRefused(HTTP_ROUTES, route("backends", """
                        {"rules": [{"backendRefs": [{"name": "httpbin", "port": 8000, "weight": -1}],
                                    "filters": [{"type": "RequestRedirect", "requestRedirect": {"statusCode": 308}},
                                                {"type": "Rewrite"}]}]}
                        """),
                "HTTPRoute.gateway.networking.k8s.io \"backends\" is invalid: ["
                        + "spec.rules[0].backendRefs[0].weight: Invalid value: -1: spec.rules[0].backendRefs[0].weight in "
                        + "body should be greater than or equal to 0, "
                        + "spec.rules[0].filters[0].requestRedirect.statusCode: Unsupported value: 308: supported values: "
                        + "\"301\", \"302\", "
                        + "spec.rules[0].filters[1].type: Unsupported value: \"Rewrite\": supported values: "
                        + "\"RequestHeaderModifier\", \"ResponseHeaderModifier\", \"RequestMirror\", \"RequestRedirect\", "
                        + "\"URLRewrite\", \"ExtensionRef\", " + RULES_NOT_CHECKED + "]");
    }

    @Test
    void aTlsRouteHostnameIsAHostnameToo() {
        assertRefused("/apis/gateway.networking.k8s.io/v1/namespaces/default/tlsroutes", """
                        {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "TLSRoute", "metadata": {"name": "tls"},
                         "spec": {"parentRefs": [{"name": "gw"}], "hostnames": ["Example.com"]}}
                        """,
                "TLSRoute.gateway.networking.k8s.io \"tls\" is invalid: spec.hostnames[0]: Invalid value: "
                        + "\"Example.com\": spec.hostnames[0] in body should match "
                        + "'^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'");
    }

    @Test
    void aGatewayClassDescriptionHasAtMostSixtyFourCharacters() {
        assertRefused("/apis/gateway.networking.k8s.io/v1/gatewayclasses", """
                        {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": {"name": "long"},
                         "spec": {"controllerName": "example.com/gateway-controller", "description": "%s"}}
                        """.formatted("d".repeat(65)),
                "GatewayClass.gateway.networking.k8s.io \"long\" is invalid: [spec.description: Too long: may not be "
                        + "longer than 64, " + RULES_NOT_CHECKED + "]");
    }

    @Test
    void aGatewayClassControllerNameIsADomainPrefixedPath() {
        assertRefused("/apis/gateway.networking.k8s.io/v1/gatewayclasses", """
                        {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": {"name": "bare"},
                         "spec": {"controllerName": "gateway-controller"}}
                        """,
                "GatewayClass.gateway.networking.k8s.io \"bare\" is invalid: spec.controllerName: Invalid value: "
                        + "\"gateway-controller\": spec.controllerName in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?"
                        + "(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9\\/\\-._~%!$&'()*+,;=:]+$'");
    }

    @Test
    void aReferenceGrantNamesTheNamespaceItTrusts() {
        assertRefused("/apis/gateway.networking.k8s.io/v1beta1/namespaces/default/referencegrants", """
                        {"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
                         "metadata": {"name": "grant"},
                         "spec": {"from": [{"group": "gateway.networking.k8s.io", "kind": "Gateway"}],
                                  "to": [{"group": "", "kind": "Secret"}]}}
                        """,
                "ReferenceGrant.gateway.networking.k8s.io \"grant\" is invalid: spec.from[0].namespace: Required value");
    }

    private void assertRefused(String collection, String body, String message) {
        MockResponse refused = post(collection, body);

        assertThat(refused.code()).as(ApiJson.text(refused.getBody())).isEqualTo(422);
        Map<String, Object> status = ApiJson.parseObject(ApiJson.text(refused.getBody()));
        assertThat(status).containsEntry("reason", "Invalid").containsEntry("message", message);
        String name = String.valueOf(ObjectFields.at(ApiJson.parseObject(body), "metadata", "name"));
        assertThat(dispatcher.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.GET, collection + "/" + name,
                Headers.builder().build(), null)).code()).as("stored although refused").isEqualTo(404);
    }

    private MockResponse post(String collection, String body) {
        return dispatcher.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.POST, collection,
                Headers.builder().add("Content-Type", "application/json").build(), new Buffer().writeUtf8(body)));
    }
}

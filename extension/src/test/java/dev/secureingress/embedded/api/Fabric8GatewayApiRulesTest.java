package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What fabric8 sees of the CEL rules of the Gateway API CRDs, and of a CRD a user applies: a write that breaks one is
 * a 422 with the rule's message at the rule's field, as on a cluster; a valid object is still stored.
 */
class Fabric8GatewayApiRulesTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    private static Listener https(String name, int port, String hostname) {
        return new ListenerBuilder().withName(name).withPort(port).withProtocol("HTTPS").withHostname(hostname)
                .withNewTls().withMode("Terminate").addNewCertificateRef().withName("httpbin-credential")
                .endCertificateRef().endTls().build();
    }

    private static Gateway gateway(String name, Listener... listeners) {
        return new GatewayBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withGatewayClassName("istio").withListeners(listeners).endSpec().build();
    }

    private static void assertRefused(Runnable write, String message) {
        assertThatThrownBy(write::run)
                .isInstanceOfSatisfying(KubernetesClientException.class, refused -> {
                    assertThat(refused.getCode()).isEqualTo(422);
                    assertThat(refused.getStatus().getReason()).isEqualTo("Invalid");
                })
                .hasMessageContaining(message);
    }

    @Test
    void aValidHttpsGatewayIsStillStored() {
        Gateway stored = api.client().resource(gateway("valid", https("https", 443, "httpbin.example.com"))).create();

        assertThat(stored.getSpec().getListeners()).hasSize(1);
    }

    @Test
    void duplicateListenerNamesAreRefusedWithTheCrdsMessage() {
        Gateway twice = gateway("twice", https("https", 443, "a.example.com"), https("https", 8443, "b.example.com"));

        assertRefused(() -> api.client().resource(twice).create(), "Gateway.gateway.networking.k8s.io \"twice\" is "
                + "invalid: spec.listeners: Invalid value: \"array\": Listener name must be unique within the Gateway");
    }

    @Test
    void tlsOnAnHttpListenerAndAnHttpsListenerWithoutCertificatesAreRefused() {
        Listener http = new ListenerBuilder().withName("http").withPort(80).withProtocol("HTTP")
                .withNewTls().addNewCertificateRef().withName("cert").endCertificateRef().endTls().build();
        Listener noCertificates = new ListenerBuilder().withName("https").withPort(443).withProtocol("HTTPS")
                .withNewTls().withMode("Terminate").endTls().build();

        assertRefused(() -> api.client().resource(gateway("http-tls", http)).create(),
                "spec.listeners: Invalid value: \"array\": tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']");
        assertRefused(() -> api.client().resource(gateway("no-certs", noCertificates)).create(),
                "spec.listeners[0].tls: Invalid value: \"object\": no such key: certificateRefs evaluating rule: "
                        + "certificateRefs or options must be specified when mode is Terminate");
    }

    @Test
    void anUpdateThatBreaksARuleIsRefusedToo() {
        api.client().resource(gateway("grows", https("https", 443, "a.example.com"))).create();

        assertRefused(() -> api.client().resources(Gateway.class).inNamespace("default").withName("grows")
                        .edit(gateway -> new GatewayBuilder(gateway).editSpec()
                                .addToListeners(https("https2", 443, "a.example.com")).endSpec().build()),
                "Combination of port, protocol and hostname must be unique for each listener");
    }

    @Test
    void aRouteRuleWithARedirectAndARewriteIsRefused() {
        HTTPRoute route = new HTTPRouteBuilder()
                .withNewMetadata().withName("redirect-and-rewrite").withNamespace("default").endMetadata()
                .withNewSpec().addNewParentRef().withName("mygateway").endParentRef()
                .addNewRule()
                .addNewFilter().withType("RequestRedirect").withNewRequestRedirect().withScheme("https")
                .endRequestRedirect().endFilter()
                .addNewFilter().withType("URLRewrite").withNewUrlRewrite().withHostname("b.example.com")
                .endUrlRewrite().endFilter()
                .endRule().endSpec().build();

        assertRefused(() -> api.client().resource(route).create(), "spec.rules[0].filters: Invalid value: \"array\": "
                + "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both");
    }

    @Test
    void aBackendRefToAServiceWithoutAPortIsRefused() {
        HTTPRoute route = new HTTPRouteBuilder()
                .withNewMetadata().withName("no-port").withNamespace("default").endMetadata()
                .withNewSpec().addNewParentRef().withName("mygateway").endParentRef()
                .addNewRule().addNewBackendRef().withName("httpbin").endBackendRef().endRule()
                .endSpec().build();

        assertRefused(() -> api.client().resource(route).create(),
                "spec.rules[0].backendRefs[0]: Invalid value: \"object\": Must have port for Service reference");
    }

    @Test
    void aGatewayClassControllerNameCannotChange() {
        GatewayClass gatewayClass = new GatewayClassBuilder().withNewMetadata().withName("immutable").endMetadata()
                .withNewSpec().withControllerName("example.com/gateway-controller").endSpec().build();
        api.client().resource(gatewayClass).create();

        assertRefused(() -> api.client().resources(GatewayClass.class).withName("immutable")
                        .edit(stored -> new GatewayClassBuilder(stored).editSpec()
                                .withControllerName("example.com/other-controller").endSpec().build()),
                "spec.controllerName: Invalid value: \"string\": Value is immutable");
        GatewayClass relabelled = api.client().resources(GatewayClass.class).withName("immutable")
                .edit(stored -> new GatewayClassBuilder(stored).editMetadata().addToLabels("team", "a").endMetadata()
                        .build());
        assertThat(relabelled.getMetadata().getLabels()).containsEntry("team", "a");
    }

    @Test
    void aBackendTlsPolicyNamesExactlyOneSourceOfTrust() {
        String policy = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: BackendTLSPolicy
                metadata: {name: %s, namespace: default}
                spec:
                  targetRefs: [{group: "", kind: Service, name: httpbin}]
                  validation:
                    hostname: httpbin.example.com
                    %s
                """;
        GenericKubernetesResource both = ApiJson.read(policy.formatted("both", "wellKnownCACertificates: System\n"
                + "    caCertificateRefs: [{group: \"\", kind: ConfigMap, name: ca}]"), GenericKubernetesResource.class);
        GenericKubernetesResource system = ApiJson.read(policy.formatted("system", "wellKnownCACertificates: System"),
                GenericKubernetesResource.class);

        assertRefused(() -> api.client().resource(both).create(), "BackendTLSPolicy.gateway.networking.k8s.io \"both\""
                + " is invalid: spec.validation: Invalid value: \"object\": must not contain both CACertificateRefs and "
                + "WellKnownCACertificates");
        assertThat(api.client().resource(system).create().getMetadata().getName()).isEqualTo("system");
    }

    @Test
    void aGrpcRouteFilterCarriesTheSettingsOfItsOwnType() {
        GenericKubernetesResource route = ApiJson.read("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: GRPCRoute
                metadata: {name: mismatched, namespace: default}
                spec:
                  parentRefs: [{name: mygateway}]
                  rules:
                  - filters:
                    - type: RequestHeaderModifier
                      responseHeaderModifier: {remove: [x-debug]}
                """, GenericKubernetesResource.class);

        assertRefused(() -> api.client().resource(route).create(), "spec.rules[0].filters[0]: Invalid value: "
                + "\"object\": filter.requestHeaderModifier must be specified for RequestHeaderModifier filter.type");
    }

    @Test
    void aBackendRefFilterThatReplacesAPrefixNeedsExactlyOnePathPrefixMatch() {
        String route = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: %s, namespace: default}
                spec:
                  parentRefs: [{name: mygateway}]
                  rules:
                  - matches: %s
                    backendRefs:
                    - name: httpbin
                      port: 8000
                      filters:
                      - type: URLRewrite
                        urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /v2}}
                """;
        GenericKubernetesResource two = ApiJson.read(route.formatted("two-prefixes",
                "[{path: {type: PathPrefix, value: /a}}, {path: {type: PathPrefix, value: /b}}]"),
                GenericKubernetesResource.class);
        GenericKubernetesResource one = ApiJson.read(route.formatted("one-prefix",
                "[{path: {type: PathPrefix, value: /a}}]"), GenericKubernetesResource.class);

        assertRefused(() -> api.client().resource(two).create(), "spec.rules[0]: Invalid value: \"object\": Within "
                + "backendRefs, When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match "
                + "must be specified");
        assertThat(api.client().resource(one).create().getMetadata().getUid()).isNotEmpty();
    }

    @Test
    void aGrpcRouteWhoseRulesHaveNoMatchesPassesTheTotalMatchesRule() {
        GenericKubernetesResource route = ApiJson.read("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: GRPCRoute
                metadata: {name: catch-all, namespace: default}
                spec:
                  parentRefs: [{name: mygateway}]
                  rules:
                  - backendRefs: [{name: grpc, port: 9000}]
                  - matches: [{method: {service: example.Echo}}]
                    backendRefs: [{name: grpc, port: 9000}]
                """, GenericKubernetesResource.class);

        assertThat(api.client().resource(route).create().getMetadata().getUid()).isNotEmpty();
    }

    @Test
    void aCrdAUserAppliesBringsItsOwnRules() {
        CustomResourceDefinition crd = ApiJson.read("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: quotas.example.com}
                spec:
                  group: example.com
                  scope: Namespaced
                  names: {kind: Quota, plural: quotas, singular: quota, listKind: QuotaList}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec:
                            type: object
                            x-kubernetes-validations:
                            - rule: "self.used <= self.limit"
                              messageExpression: "'used ' + string(self.used) + ' is over the limit'"
                            properties:
                              used: {type: integer}
                              limit: {type: integer}
                """, CustomResourceDefinition.class);
        api.client().resource(crd).create();
        ResourceDefinitionContext quotas = new ResourceDefinitionContext.Builder().withGroup("example.com")
                .withVersion("v1").withKind("Quota").withPlural("quotas").withNamespaced(true).build();
        GenericKubernetesResource quota = new GenericKubernetesResource();
        quota.setApiVersion("example.com/v1");
        quota.setKind("Quota");
        quota.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("team-a")
                .withNamespace("default").build());
        quota.setAdditionalProperty("spec", Map.of("used", 7, "limit", 5));

        assertRefused(() -> api.client().genericKubernetesResources(quotas).inNamespace("default").resource(quota)
                .create(), "Quota.example.com \"team-a\" is invalid: spec: Invalid value: \"object\": used 7 is over "
                + "the limit");
        quota.setAdditionalProperty("spec", Map.of("used", 3, "limit", 5));
        assertThat(api.client().genericKubernetesResources(quotas).inNamespace("default").resource(quota).create()
                .getMetadata().getName()).isEqualTo("team-a");
    }
}

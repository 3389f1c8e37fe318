package dev.secureingress.embedded;

import dev.secureingress.cluster.BoundedWait;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static dev.secureingress.embedded.Kubectl.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kubectl against the embedded API server's Gateway API CRDs, as against a cluster with the v1.4 standard channel:
 * values the Gateway API refuses are refused with kube-apiserver's message, objects read back carry the CRDs'
 * defaults (also after a server-side apply; a Gateway no controller handles shows the Pending status conditions and
 * is not taken for programmed by {@code kubectl wait}), and a CRD a user applies has its own defaults filled in, also
 * into what {@code kubectl get -w} shows of objects stored before the CRD gained them, and its string formats checked.
 * Skipped where kubectl is not installed.
 */
class KubectlGatewayApiSchemaTest {

    @RegisterExtension
    static final KubectlOnEmbeddedCluster kubectl = new KubectlOnEmbeddedCluster();

    private static final String ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: %s
            spec:
              parentRefs:
              - name: mygateway
              hostnames: ["httpbin.example.com"]
              rules:
              - backendRefs:
                - name: httpbin
                  port: 8000
            """;

    @Test
    void aListenerPortAbove65535IsRefused() {
        CommandRun.Result refused = kubectl.runWithInput("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: high-port
                spec:
                  gatewayClassName: istio
                  listeners:
                  - name: https
                    port: 70000
                    protocol: HTTPS
                    tls:
                      certificateRefs:
                      - name: httpbin-credential
                """, "apply", "-f", "-");

        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertThat(refused.err()).contains("The Gateway \"high-port\" is invalid: spec.listeners[0].port: Invalid value: "
                + "70000: spec.listeners[0].port in body should be less than or equal to 65535");
        assertThat(kubectl.run("get", "gateway", "high-port").err()).contains("not found");
    }

    @Test
    void aPrefixPathMatchIsRefusedNamingTheSupportedTypes() {
        CommandRun.Result refused = kubectl.runWithInput(ROUTE.formatted("prefix")
                + "    matches:\n    - path: {type: Prefix, value: /status}\n", "apply", "-f", "-");

        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertThat(refused.err()).contains("The HTTPRoute \"prefix\" is invalid: \n* spec.rules[0].matches[0].path.type: "
                + "Unsupported value: \"Prefix\": supported values: \"Exact\", \"PathPrefix\", \"RegularExpression\"\n"
                + "* <nil>: Invalid value: \"null\": some validation rules were not checked because the object was "
                + "invalid; correct the existing errors to complete validation");
    }

    @Test
    void aRouteReadBackCarriesTheGatewayApiDefaults() {
        succeeds(kubectl.runWithInput(ROUTE.formatted("defaulted"), "apply", "-f", "-"),
                "httproute.gateway.networking.k8s.io/defaulted created");

        assertThat(jsonPath("httproute", "defaulted", "{.spec.rules[0].matches[0].path.type} "
                + "{.spec.rules[0].matches[0].path.value} {.spec.parentRefs[0].group} {.spec.parentRefs[0].kind} "
                + "{.spec.rules[0].backendRefs[0].kind} {.spec.rules[0].backendRefs[0].weight}"))
                .isEqualTo("PathPrefix / gateway.networking.k8s.io Gateway Service 1");
    }

    @Test
    void aServerSideApplyIsDefaultedToo() {
        succeeds(kubectl.runWithInput(ROUTE.formatted("applied"), "apply", "--server-side", "-f", "-"),
                "httproute.gateway.networking.k8s.io/applied serverside-applied");

        assertThat(jsonPath("httproute", "applied", "{.spec.rules[0].matches[0].path.type}")).isEqualTo("PathPrefix");
    }

    @Test
    void aCrdAUserAppliesHasItsDefaultsFilledIn() {
        succeeds(kubectl.runWithInput("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: certificates.pki.example.com
                spec:
                  group: pki.example.com
                  scope: Namespaced
                  names: {plural: certificates, singular: certificate, kind: Certificate, listKind: CertificateList}
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
                            properties:
                              dnsName: {type: string}
                              keyAlgorithm: {type: string, default: ECDSA_P256}
                              renewBefore: {type: string, default: 720h}
                """, "apply", "-f", "-"));

        succeeds(kubectl.runWithInput("""
                apiVersion: pki.example.com/v1
                kind: Certificate
                metadata:
                  name: httpbin
                spec:
                  dnsName: httpbin.example.com
                  renewBefore: 24h
                """, "apply", "-f", "-"), "certificate.pki.example.com/httpbin created");

        assertThat(jsonPath("certificate", "httpbin", "{.spec.keyAlgorithm} {.spec.renewBefore}"))
                .isEqualTo("ECDSA_P256 24h");
    }

    @Test
    void aGatewayNoControllerHandlesShowsProgrammedUnknownAndIsNotWaitedFor() {
        succeeds(kubectl.runWithInput("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: unhandled
                spec:
                  gatewayClassName: another-controllers-class
                  listeners:
                  - name: http
                    port: 80
                    protocol: HTTP
                """, "apply", "-f", "-"), "gateway.gateway.networking.k8s.io/unhandled created");

        String table = succeeds(kubectl.run("get", "gtw", "unhandled")).out();
        assertThat(table.lines().findFirst().orElseThrow().split("\\s+"))
                .containsExactly("NAME", "CLASS", "ADDRESS", "PROGRAMMED", "AGE");
        assertThat(table.lines().skip(1).findFirst().orElseThrow().split("\\s+"))
                .startsWith("unhandled", "another-controllers-class", "Unknown");
        assertThat(jsonPath("gtw", "unhandled", "{range .status.conditions[*]}{.type}={.status}/{.reason}/{.message}/"
                + "{.lastTransitionTime};{end}")).isEqualTo("Accepted=Unknown/Pending/Waiting for controller/"
                + "1970-01-01T00:00:00Z;Programmed=Unknown/Pending/Waiting for controller/1970-01-01T00:00:00Z;");
        CommandRun.Result waited = kubectl.run("wait", "--for=condition=programmed", "gtw/unhandled", "--timeout=2s");
        assertThat(waited.exitCode()).as(waited.toString()).isNotZero();
        assertThat(waited.err()).contains("timed out waiting for the condition on gateways/unhandled");
    }

    @Test
    void getWatchShowsTheDefaultsACrdGainedAfterTheObjectWasStored(@TempDir Path work) {
        String ticketCrd = """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: tickets.watch.example.com
                spec:
                  group: watch.example.com
                  scope: Namespaced
                  names: {plural: tickets, singular: ticket, kind: Ticket, listKind: TicketList}
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
                            properties:
                              title: {type: string}
                              priority: {type: string, default: normal}
                """;
        succeeds(kubectl.runWithInput(ticketCrd, "apply", "-f", "-"));
        succeeds(kubectl.runWithInput("""
                apiVersion: watch.example.com/v1
                kind: Ticket
                metadata:
                  name: first
                spec:
                  title: flaky test
                """, "apply", "-f", "-"), "ticket.watch.example.com/first created");
        succeeds(kubectl.runWithInput(ticketCrd + "              team: {type: string, default: platform}\n",
                "apply", "-f", "-"));
        Path out = work.resolve("watch.out");
        // -v=6 logs the watch request once the server has answered it, so the delete comes after the watch opened
        Process watch = kubectl.start(out, "get", "tickets", "-w", "--output-watch-events", "-v=6",
                "-o", "jsonpath={.type} {.object.spec.priority} {.object.spec.team}{\"\\n\"}");
        try {
            BoundedWait.<String>forState("kubectl's watch of tickets to be open")
                    .atMost(Duration.ofSeconds(60)).pollEvery(Duration.ofMillis(100))
                    .until(() -> Kubectl.printedSoFar(out), text -> text.contains("watch=true"));

            succeeds(kubectl.run("delete", "ticket", "first"), "ticket.watch.example.com \"first\" deleted");

            String printed = BoundedWait.<String>forState("the watch to print the deletion")
                    .atMost(Duration.ofSeconds(60)).pollEvery(Duration.ofMillis(100))
                    .until(() -> Kubectl.printedSoFar(out), text -> text.contains("DELETED"));
            assertThat(printed.lines().filter(line -> line.startsWith("ADDED") || line.startsWith("DELETED")))
                    .containsExactly("ADDED normal platform", "DELETED normal platform");
        } finally {
            watch.destroy();
        }
    }

    @Test
    void getWatchEndsWhenTheCrdChangesAndItsObjectsGoWithTheCrd(@TempDir Path work) throws Exception {
        String crd = """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: parcels.storage.example.com
                spec:
                  group: storage.example.com
                  scope: Namespaced
                  names: {plural: parcels, singular: parcel, kind: Parcel, listKind: ParcelList}
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
                            properties:
                              weight: {type: integer}
                """;
        succeeds(kubectl.runWithInput(crd, "apply", "-f", "-"));
        succeeds(kubectl.runWithInput("""
                apiVersion: storage.example.com/v1
                kind: Parcel
                metadata:
                  name: small
                spec:
                  weight: 1
                """, "apply", "-f", "-"), "parcel.storage.example.com/small created");
        Path out = work.resolve("watch.out");
        Process watch = kubectl.start(out, "get", "parcels", "-w", "-v=6");
        try {
            BoundedWait.<String>forState("kubectl's watch of parcels to be open")
                    .atMost(Duration.ofSeconds(60)).pollEvery(Duration.ofMillis(100))
                    .until(() -> Kubectl.printedSoFar(out), text -> text.contains("watch=true"));

            succeeds(kubectl.runWithInput(crd + "              fragile: {type: boolean, default: false}\n",
                    "apply", "-f", "-"), "customresourcedefinition.apiextensions.k8s.io/parcels.storage.example.com configured");

            assertThat(watch.waitFor(60, TimeUnit.SECONDS)).as("kubectl get -w ended after the CRD changed: %s",
                    Kubectl.printedSoFar(out)).isTrue();
        } finally {
            watch.destroy();
        }
        assertThat(succeeds(kubectl.run("get", "parcel", "small", "-o", "jsonpath={.spec.fragile}")).out())
                .as("the default the CRD gained").isEqualTo("false");

        succeeds(kubectl.run("delete", "crd", "parcels.storage.example.com"),
                "customresourcedefinition.apiextensions.k8s.io \"parcels.storage.example.com\" deleted");
        succeeds(kubectl.runWithInput(crd, "apply", "-f", "-"));
        CommandRun.Result none = succeeds(kubectl.run("get", "parcels"));
        assertThat(none.out() + none.err()).as("the parcels of the CRD applied again")
                .contains("No resources found in default namespace.");
    }

    @Test
    void aCrdTooLargeForClientSideApplyIsRefusedAndGoesInServerSide() {
        StringBuilder crd = new StringBuilder("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: catalogs.large.example.com
                spec:
                  group: large.example.com
                  scope: Namespaced
                  names: {plural: catalogs, singular: catalog, kind: Catalog, listKind: CatalogList}
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
                            properties:
                """);
        // about 300 KB of schema: more than the 256 KiB the last-applied-configuration annotation may hold
        for (int i = 0; i < 600; i++) {
            crd.append("              field").append(i).append(": {type: string, description: '")
                    .append("x".repeat(500)).append("'}\n");
        }

        CommandRun.Result refused = kubectl.runWithInput(crd.toString(), "apply", "-f", "-");
        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertThat(refused.err()).contains("The CustomResourceDefinition \"catalogs.large.example.com\" is invalid: "
                + "metadata.annotations: Too long: may not be more than 262144 bytes");

        succeeds(kubectl.runWithInput(crd.toString(), "apply", "--server-side", "-f", "-"),
                "customresourcedefinition.apiextensions.k8s.io/catalogs.large.example.com serverside-applied");
    }

    @Test
    void kubectlWaitsForTheGatewayApiCrdsToBeEstablished() {
        succeeds(kubectl.run("wait", "--for=condition=Established", "--timeout=30s",
                "crd/gateways.gateway.networking.k8s.io", "crd/httproutes.gateway.networking.k8s.io"),
                "customresourcedefinition.apiextensions.k8s.io/gateways.gateway.networking.k8s.io condition met",
                "customresourcedefinition.apiextensions.k8s.io/httproutes.gateway.networking.k8s.io condition met");
    }

    @Test
    void theGatewayControllerWatchesAgainAfterTheGatewayCrdChanged() {
        // a change to the CRD's spec ends the controller's watch of Gateways; it must watch again to see this one
        succeeds(kubectl.run("patch", "crd", "gateways.gateway.networking.k8s.io", "--type=merge",
                "-p", "{\"spec\":{\"names\":{\"categories\":[\"gateway-api\"]}}}"),
                "customresourcedefinition.apiextensions.k8s.io/gateways.gateway.networking.k8s.io patched");
        succeeds(kubectl.runWithInput("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: after-crd-change
                spec:
                  gatewayClassName: istio
                  listeners:
                  - name: http
                    port: 8088
                    protocol: HTTP
                """, "apply", "-f", "-"), "gateway.gateway.networking.k8s.io/after-crd-change created");

        succeeds(kubectl.run("wait", "--for=condition=programmed", "gtw/after-crd-change", "--timeout=60s"),
                "gateway.gateway.networking.k8s.io/after-crd-change condition met");
        assertThat(succeeds(kubectl.run("get", "gateway-api")).out()).contains("after-crd-change");
    }

    @Test
    void aValueNotOfItsCrdsFormatIsRefusedWithTheApiServersMessage() {
        succeeds(kubectl.runWithInput("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata:
                  name: backends.formats.example.com
                spec:
                  group: formats.example.com
                  scope: Namespaced
                  names: {plural: backends, singular: backend, kind: Backend, listKind: BackendList}
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
                            properties:
                              host: {type: string, format: hostname}
                              url: {type: string, format: uri}
                """, "apply", "-f", "-"));

        CommandRun.Result refused = kubectl.runWithInput("""
                apiVersion: formats.example.com/v1
                kind: Backend
                metadata:
                  name: misnamed
                spec:
                  host: under_score.example.com
                  url: https://httpbin.example.com/status/418
                """, "apply", "-f", "-");

        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertThat(refused.err()).contains("The Backend \"misnamed\" is invalid: spec.host: Invalid value: "
                + "\"under_score.example.com\": spec.host in body must be of type hostname: \"under_score.example.com\"");
        assertThat(kubectl.run("get", "backend", "misnamed").err()).contains("not found");
    }

    private String jsonPath(String resource, String name, String template) {
        return succeeds(kubectl.run("get", resource, name, "-o", "jsonpath=" + template)).out().trim();
    }
}

package dev.secureingress.embedded.gateway;

import dev.secureingress.embedded.dataplane.ListenerProgram;
import dev.secureingress.embedded.dataplane.TlsProgram;
import dev.secureingress.tls.Credential;
import dev.secureingress.tls.SecretLayout;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrantBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.secureingress.embedded.gateway.ControllerHarness.condition;
import static dev.secureingress.embedded.gateway.ControllerHarness.gateway;
import static dev.secureingress.embedded.gateway.ControllerHarness.gatewayCondition;
import static dev.secureingress.embedded.gateway.ControllerHarness.listener;
import static dev.secureingress.embedded.gateway.ControllerHarness.listenerCondition;
import static org.assertj.core.api.Assertions.assertThat;

/** Certificates from secrets: every layout Istio accepts, terminate modes, and every way a reference fails. */
class ListenerTlsTest {

    private static ControllerHarness harness;

    @BeforeAll
    static void start() {
        harness = new ControllerHarness();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private static ListenerBuilder https(String name, String hostname, String secret, String mode) {
        ListenerBuilder listener = new ListenerBuilder().withName(name).withHostname(hostname).withPort(443).withProtocol("HTTPS")
                .withNewTls().withMode("Terminate").addNewCertificateRef().withName(secret).endCertificateRef().endTls();
        if (mode != null) {
            listener.editTls().withOptions(Map.of("gateway.istio.io/tls-terminate-mode", mode)).endTls();
        }
        return listener;
    }

    private static Gateway gatewayWith(String ns, ListenerBuilder... listeners) {
        GatewayBuilder builder = gateway(ns, "gw");
        for (ListenerBuilder listener : listeners) {
            builder.editSpec().addToListeners(listener.build()).endSpec();
        }
        return builder.build();
    }

    private static Optional<ListenerProgram> programmed(String ns, String listener) {
        return harness.dataPlane.current(ns, "gw").flatMap(p -> p.listeners().stream()
                .filter(l -> l.name().equals(listener)).findFirst());
    }

    @ParameterizedTest
    @EnumSource(SecretLayout.class)
    void readsEveryIstioSecretLayoutWithItsCaForMutualTls(SecretLayout layout) {
        String ns = harness.namespace("layout");
        Credential credential = harness.serverCredential("mtls.example.com");
        harness.createSecrets(layout, ns, "credential", credential, true);
        harness.create(gatewayWith(ns, https("https", "mtls.example.com", "credential", "MUTUAL")));

        harness.awaitGateway(ns, "gw", "listener https Programmed",
                listenerCondition("https", "Programmed", "True", "Programmed"));
        TlsProgram tls = programmed(ns, "https").orElseThrow().tls();
        assertThat(tls.mode()).isEqualTo(TlsProgram.TerminateMode.MUTUAL);
        assertThat(tls.certificates()).singleElement().satisfies(c -> assertThat(c.chain()).isEqualTo(credential.chain()));
        assertThat(tls.clientCas()).containsExactly(harness.ca().certificate());
    }

    @Test
    void separateCacertSecretIsLookedUpBeforeTheMainSecretsCa() {
        String ns = harness.namespace("cacert-first");
        Credential credential = harness.serverCredential("a.example.com");
        var otherCa = dev.secureingress.tls.CertificateAuthority.root("CN=other client CA").build();
        harness.createSecrets(SecretLayout.TLS, ns, "credential", credential, true); // ca.crt = harness CA
        harness.create(new SecretBuilder().withNewMetadata().withNamespace(ns).withName("credential-cacert").endMetadata()
                .addToStringData("cacert", otherCa.certificatePem()).build());
        harness.create(gatewayWith(ns, https("https", "a.example.com", "credential", "OPTIONAL_MUTUAL")));

        harness.awaitGateway(ns, "gw", "listener https Programmed",
                listenerCondition("https", "Programmed", "True", "Programmed"));
        TlsProgram tls = programmed(ns, "https").orElseThrow().tls();
        assertThat(tls.mode()).isEqualTo(TlsProgram.TerminateMode.OPTIONAL_MUTUAL);
        assertThat(tls.clientCas()).containsExactly(otherCa.certificate());
    }

    @Test
    void simpleModeServesWithoutClientCas() {
        String ns = harness.namespace("simple");
        harness.createSecrets(SecretLayout.TLS, ns, "credential", harness.serverCredential("s.example.com"), true);
        harness.create(gatewayWith(ns, https("https", "s.example.com", "credential", null)));
        harness.awaitGateway(ns, "gw", "listener https Programmed",
                listenerCondition("https", "Programmed", "True", "Programmed"));
        TlsProgram tls = programmed(ns, "https").orElseThrow().tls();
        assertThat(tls.mode()).isEqualTo(TlsProgram.TerminateMode.SIMPLE);
        assertThat(tls.clientCas()).isEmpty();
    }

    @Test
    void mutualWithoutAnyCaLeavesTheListenerUnprogrammedAndSaysWhy() {
        String ns = harness.namespace("mutual-no-ca");
        harness.createSecrets(SecretLayout.TLS, ns, "credential", harness.serverCredential("m.example.com"), false);
        harness.create(gatewayWith(ns, https("https", "m.example.com", "credential", "MUTUAL")));

        Gateway gw = harness.awaitGateway(ns, "gw", "listener https ResolvedRefs=False",
                listenerCondition("https", "ResolvedRefs", "False", "InvalidCertificateRef"));
        assertThat(condition(listener(gw, "https").getConditions(), "ResolvedRefs").getMessage())
                .contains("MUTUAL needs a CA certificate").contains("credential-cacert");
        assertThat(condition(listener(gw, "https").getConditions(), "Programmed"))
                .extracting(Condition::getStatus, Condition::getReason).containsExactly("False", "Invalid");
        assertThat(programmed(ns, "https")).isEmpty();
    }

    @Test
    void unsupportedTerminateModeIsNotAccepted() {
        String ns = harness.namespace("istio-mutual");
        harness.createSecrets(SecretLayout.TLS, ns, "credential", harness.serverCredential("m.example.com"), true);
        harness.create(gatewayWith(ns, https("https", "m.example.com", "credential", "ISTIO_MUTUAL")));
        Gateway gw = harness.awaitGateway(ns, "gw", "listener https Accepted=False",
                listenerCondition("https", "Accepted", "False", "UnsupportedValue"));
        assertThat(condition(listener(gw, "https").getConditions(), "Accepted").getMessage()).contains("ISTIO_MUTUAL");
        assertThat(gw).matches(gatewayCondition("Accepted", "False", "ListenersNotValid"));
        assertThat(gw).matches(gatewayCondition("Programmed", "False", "Invalid"));
    }

    @Test
    void missingSecretThenCreatedThenDeletedFollowsTheSecret() {
        String ns = harness.namespace("lifecycle");
        harness.create(gatewayWith(ns,
                https("missing", "missing.example.com", "later", null),
                https("present", "present.example.com", "present", null)));
        harness.createSecrets(SecretLayout.TLS, ns, "present", harness.serverCredential("present.example.com"), false);

        Gateway gw = harness.awaitGateway(ns, "gw", "listener missing ResolvedRefs=False and present Programmed",
                listenerCondition("missing", "ResolvedRefs", "False", "InvalidCertificateRef")
                        .and(listenerCondition("present", "Programmed", "True", "Programmed")));
        assertThat(condition(listener(gw, "missing").getConditions(), "ResolvedRefs").getMessage())
                .contains(ns + "/later").contains("does not exist");
        assertThat(gw).matches(gatewayCondition("Accepted", "True", "ListenersNotValid"));
        assertThat(gw).matches(gatewayCondition("Programmed", "True", "Programmed"));
        assertThat(programmed(ns, "missing")).isEmpty();
        assertThat(programmed(ns, "present")).isPresent();

        Credential later = harness.serverCredential("missing.example.com");
        harness.createSecrets(SecretLayout.TLS, ns, "later", later, false);
        harness.awaitGateway(ns, "gw", "listener missing resolved once its secret exists",
                listenerCondition("missing", "ResolvedRefs", "True", "ResolvedRefs")
                        .and(listenerCondition("missing", "Programmed", "True", "Programmed"))
                        .and(gatewayCondition("Accepted", "True", "Accepted")));
        assertThat(programmed(ns, "missing").orElseThrow().tls().certificates().get(0).chain()).isEqualTo(later.chain());

        harness.client.secrets().inNamespace(ns).withName("later").delete();
        harness.awaitGateway(ns, "gw", "listener missing unresolved again after its secret was deleted",
                listenerCondition("missing", "ResolvedRefs", "False", "InvalidCertificateRef"));
        assertThat(programmed(ns, "missing")).as("its SNI is no longer served").isEmpty();
        assertThat(programmed(ns, "present")).isPresent();
    }

    @Test
    void secretUpdateReachesTheDataPlane() {
        String ns = harness.namespace("rotation");
        harness.createSecrets(SecretLayout.TLS, ns, "credential", harness.serverCredential("r.example.com"), false);
        harness.create(gatewayWith(ns, https("https", "r.example.com", "credential", null)));
        harness.awaitGateway(ns, "gw", "Programmed", listenerCondition("https", "Programmed", "True", "Programmed"));

        var root2 = dev.secureingress.tls.CertificateAuthority.root("O=example Inc.,CN=example.com").build();
        Credential rotated = root2.issue().server("r.example.com").build();
        harness.client.resource(SecretLayout.TLS.secrets(ns, "credential", rotated).get(0)).update();

        dev.secureingress.cluster.BoundedWait.<List<java.security.cert.X509Certificate>>forState("rotated certificate programmed")
                .atMost(ControllerHarness.WAIT)
                .until(() -> programmed(ns, "https").map(l -> l.tls().certificates().get(0).chain()).orElse(List.of()),
                        chain -> chain.equals(rotated.chain()));
    }

    @Test
    void malformedWrongKindAndWrongGroupRefsAreInvalidCertificateRefs() {
        String ns = harness.namespace("invalid-refs");
        harness.create(new SecretBuilder().withNewMetadata().withNamespace(ns).withName("malformed").endMetadata()
                .withType("kubernetes.io/tls")
                .addToStringData("tls.crt", "Hello world\n").addToStringData("tls.key", "Hello world\n").build());
        Credential a = harness.serverCredential("a.example.com");
        Credential b = harness.serverCredential("b.example.com");
        harness.create(new SecretBuilder().withNewMetadata().withNamespace(ns).withName("mismatched").endMetadata()
                .addToStringData("tls.crt", a.chainPem()).addToStringData("tls.key", b.privateKeyPem()).build());
        harness.create(new SecretBuilder().withNewMetadata().withNamespace(ns).withName("empty").endMetadata()
                .addToStringData("something", "else").build());
        harness.createSecrets(SecretLayout.TLS, ns, "good", a, false);
        ListenerBuilder wrongKind = https("wrong-kind", "k.example.com", "good", null);
        wrongKind.editTls().editFirstCertificateRef().withKind("ConfigMap").endCertificateRef().endTls();
        ListenerBuilder wrongGroup = https("wrong-group", "g.example.com", "good", null);
        wrongGroup.editTls().editFirstCertificateRef().withGroup("wrong.group.company.io").endCertificateRef().endTls();
        harness.create(gatewayWith(ns,
                https("malformed", "m.example.com", "malformed", null),
                https("mismatched", "x.example.com", "mismatched", null),
                https("empty", "e.example.com", "empty", null),
                wrongKind, wrongGroup));

        Gateway gw = harness.awaitGateway(ns, "gw", "every listener InvalidCertificateRef",
                listenerCondition("malformed", "ResolvedRefs", "False", "InvalidCertificateRef")
                        .and(listenerCondition("mismatched", "ResolvedRefs", "False", "InvalidCertificateRef"))
                        .and(listenerCondition("empty", "ResolvedRefs", "False", "InvalidCertificateRef"))
                        .and(listenerCondition("wrong-kind", "ResolvedRefs", "False", "InvalidCertificateRef"))
                        .and(listenerCondition("wrong-group", "ResolvedRefs", "False", "InvalidCertificateRef")));
        assertThat(message(gw, "malformed")).contains("tls.crt of secret " + ns + "/malformed");
        assertThat(message(gw, "mismatched")).containsIgnoringCase("private key");
        assertThat(message(gw, "empty")).contains("tls.crt and tls.key").contains("cert and key");
        assertThat(message(gw, "wrong-kind")).contains("ConfigMap");
        assertThat(message(gw, "wrong-group")).contains("wrong.group.company.io");
        for (String name : List.of("malformed", "mismatched", "empty", "wrong-kind", "wrong-group")) {
            assertThat(condition(listener(gw, name).getConditions(), "Accepted").getStatus()).isEqualTo("True");
            assertThat(condition(listener(gw, name).getConditions(), "Programmed").getStatus()).isEqualTo("False");
        }
        assertThat(gw).matches(gatewayCondition("Accepted", "False", "ListenersNotValid"));
        assertThat(harness.dataPlane.current(ns, "gw").orElseThrow().listeners()).isEmpty();
    }

    @Test
    void crossNamespaceSecretNeedsAReferenceGrant() {
        String gwNs = harness.namespace("gw");
        String secretNs = harness.namespace("secrets");
        harness.createSecrets(SecretLayout.TLS, secretNs, "shared", harness.serverCredential("c.example.com"), false);
        ListenerBuilder listener = https("https", "c.example.com", "shared", null);
        listener.editTls().editFirstCertificateRef().withNamespace(secretNs).endCertificateRef().endTls();
        harness.create(gatewayWith(gwNs, listener));

        Gateway gw = harness.awaitGateway(gwNs, "gw", "listener https RefNotPermitted",
                listenerCondition("https", "ResolvedRefs", "False", "RefNotPermitted"));
        assertThat(message(gw, "https")).contains("ReferenceGrant");

        harness.create(new ReferenceGrantBuilder().withNewMetadata().withNamespace(secretNs).withName("gateways").endMetadata()
                .withNewSpec().addNewFrom().withGroup("gateway.networking.k8s.io").withKind("Gateway").withNamespace(gwNs).endFrom()
                .addNewTo().withGroup("").withKind("Secret").endTo().endSpec().build());
        harness.awaitGateway(gwNs, "gw", "listener https resolved after the ReferenceGrant",
                listenerCondition("https", "ResolvedRefs", "True", "ResolvedRefs")
                        .and(listenerCondition("https", "Programmed", "True", "Programmed")));
    }

    private static String message(Gateway gw, String listener) {
        return condition(listener(gw, listener).getConditions(), "ResolvedRefs").getMessage();
    }
}

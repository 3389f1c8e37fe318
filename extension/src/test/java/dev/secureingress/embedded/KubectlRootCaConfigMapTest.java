package dev.secureingress.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.secureingress.embedded.Kubectl.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ConfigMap {@code kube-root-ca.crt} as kubectl sees it on a cluster: in every namespace, holding the CA that
 * verifies the API server, made again when deleted, set back when edited. Skipped where kubectl (or, for the verification, openssl) is
 * not installed.
 */
class KubectlRootCaConfigMapTest {

    @RegisterExtension
    static final KubectlOnEmbeddedCluster kubectl = new KubectlOnEmbeddedCluster();

    @Test
    void opensslVerifiesTheApiServerWithTheCaOfTheConfigMap() throws Exception {
        String pem = succeeds(kubectl.run("get", "configmap", "kube-root-ca.crt", "-o",
                "jsonpath={.data.ca\\.crt}")).out();
        assertThat(pem).isEqualTo(kubectl.cluster().apiServer().caCertificatePem());

        CommandRun.assumeInstalled("openssl", "version");
        Path caFile = Files.writeString(kubectl.workDirectory().resolve("kube-root-ca.crt"), pem);
        URI server = URI.create(kubectl.cluster().apiServer().url());
        CommandRun.Result verified = CommandRun.run(kubectl.workDirectory(), Map.of(), "", Duration.ofSeconds(60),
                List.of("openssl", "s_client", "-connect", server.getHost() + ":" + server.getPort(),
                        "-CAfile", caFile.toString(), "-verify_ip", server.getHost(), "-verify_return_error"));

        assertThat(verified.exitCode()).as("%s", verified).isZero();
        assertThat(verified.out()).as("%s", verified).contains("Verify return code: 0 (ok)");
    }

    @Test
    void aNewNamespaceHoldsItAndADeletedOneComesBack() {
        String namespace = "root-ca-" + UUID.randomUUID().toString().substring(0, 8);
        succeeds(kubectl.run("create", "namespace", namespace), "namespace/" + namespace + " created");
        assertThat(succeeds(kubectl.run("get", "configmaps", "-n", namespace)).out())
                .matches("(?s)NAME\\s+DATA\\s+AGE\\s+kube-root-ca\\.crt\\s+1\\s+\\S+\\s*");
        String uid = succeeds(kubectl.run("get", "configmap", "kube-root-ca.crt", "-n", namespace,
                "-o", "jsonpath={.metadata.uid}")).out();

        succeeds(kubectl.run("delete", "configmap", "kube-root-ca.crt", "-n", namespace),
                "configmap \"kube-root-ca.crt\" deleted");

        String recreated = succeeds(kubectl.run("get", "configmap", "kube-root-ca.crt", "-n", namespace,
                "-o", "jsonpath={.metadata.uid}")).out();
        assertThat(recreated).isNotBlank().isNotEqualTo(uid);
    }

    @Test
    void anEditedOneGetsItsCertificateBackAndKeepsTheLabelAUserAdded() {
        String namespace = "root-ca-" + UUID.randomUUID().toString().substring(0, 8);
        succeeds(kubectl.run("create", "namespace", namespace), "namespace/" + namespace + " created");

        succeeds(kubectl.run("label", "configmap", "kube-root-ca.crt", "-n", namespace, "team=platform"),
                "configmap/kube-root-ca.crt labeled");
        succeeds(kubectl.run("patch", "configmap", "kube-root-ca.crt", "-n", namespace, "--type=merge",
                "-p", "{\"data\":{\"ca.crt\":\"not a certificate\",\"extra\":\"value\"}}"),
                "configmap/kube-root-ca.crt patched");

        String after = succeeds(kubectl.run("get", "configmap", "kube-root-ca.crt", "-n", namespace, "-o",
                "go-template={{.metadata.labels.team}} {{len .data}}{{\"\\n\"}}{{index .data \"ca.crt\"}}")).out();
        assertThat(after).isEqualTo("platform 1\n" + kubectl.cluster().apiServer().caCertificatePem());
    }

    @Test
    void anEditMadeImmutableStaysAndLaterEditsAreRefusedWithTheApiServersMessage() {
        String namespace = "root-ca-" + UUID.randomUUID().toString().substring(0, 8);
        succeeds(kubectl.run("create", "namespace", namespace), "namespace/" + namespace + " created");

        succeeds(kubectl.run("patch", "configmap", "kube-root-ca.crt", "-n", namespace, "--type=merge",
                "-p", "{\"immutable\":true,\"data\":{\"ca.crt\":\"my own bundle\"}}"),
                "configmap/kube-root-ca.crt patched");
        assertThat(succeeds(kubectl.run("get", "configmap", "kube-root-ca.crt", "-n", namespace, "-o",
                "jsonpath={.immutable} {.data.ca\\.crt}")).out()).isEqualTo("true my own bundle");

        CommandRun.Result refused = kubectl.run("patch", "configmap", "kube-root-ca.crt", "-n", namespace,
                "--type=merge", "-p", "{\"data\":{\"ca.crt\":\"another bundle\"}}");
        assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
        assertThat(refused.err()).contains("The ConfigMap \"kube-root-ca.crt\" is invalid: data: Forbidden: field is"
                + " immutable when `immutable` is set");
    }
}

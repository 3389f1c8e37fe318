package dev.secureingress.embedded;

import dev.secureingress.tls.CertificateAuthority;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SandboxTest {

    @Test
    void writesStateFilesWhoseKubeconfigVerifiesTheServer(@TempDir Path state) throws Exception {
        try (Sandbox sandbox = Sandbox.start(state.resolve("sandbox"))) {
            assertThat(sandbox.readyFile()).exists();
            assertThat(Files.getPosixFilePermissions(sandbox.kubeconfig()))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.readString(sandbox.envFile()))
                    .contains("KUBECONFIG='" + sandbox.kubeconfig() + "'", "SECURE_INGRESS_PORT_OFFSET=10000",
                            "export KUBECONFIG");

            String kubeconfig = Files.readString(sandbox.kubeconfig());
            try (KubernetesClient client = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(kubeconfig)).build()) {
                assertThat(client.namespaces().withName("istio-system").get()).isNotNull();
            }

            // the same kubeconfig trusting another CA must fail the handshake: the certificate is verified
            String otherCa = CertificateAuthority.root("CN=not the API server CA").build().certificatePem();
            String wrongCa = kubeconfig.replaceAll("certificate-authority-data: \"?[A-Za-z0-9+/=]+\"?",
                    "certificate-authority-data: \"" + Base64.getEncoder().encodeToString(otherCa.getBytes()) + "\"");
            assertThat(wrongCa).isNotEqualTo(kubeconfig);
            try (KubernetesClient untrusting = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(wrongCa)).build()) {
                assertThatThrownBy(() -> untrusting.namespaces().list())
                        .isInstanceOf(KubernetesClientException.class);
            }
        }
        assertThat(state.resolve("sandbox").resolve(Sandbox.READY_FILE)).as("ready is removed on stop").doesNotExist();
    }

    @Test
    void theCommandServesUntilSigterm(@TempDir Path state) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                SandboxCommand.class.getName(), "--state-dir", state.toString()));
        Process sandbox = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(state.resolve("sandbox.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (!Files.exists(state.resolve(Sandbox.READY_FILE)) && sandbox.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(state.resolve(Sandbox.READY_FILE)).as("ready within 180 s; log:%n%s",
                    Files.readString(state.resolve("sandbox.log"))).exists();
            assertThat(state.resolve(Sandbox.KUBECONFIG_FILE)).exists();

            sandbox.destroy(); // SIGTERM
            assertThat(sandbox.waitFor(60, TimeUnit.SECONDS)).as("stops within 60 s of SIGTERM").isTrue();
            assertThat(state.resolve(Sandbox.READY_FILE)).doesNotExist();
            assertThat(Files.readString(state.resolve("sandbox.log"))).contains("Sandbox ready", "Sandbox stopped");
        } finally {
            sandbox.destroyForcibly();
        }
    }
}

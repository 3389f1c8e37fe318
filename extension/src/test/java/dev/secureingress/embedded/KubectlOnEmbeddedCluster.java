package dev.secureingress.embedded;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The real kubectl against an embedded cluster of the test class's own, for test classes that check what kubectl
 * prints: register it as a static field ({@code @RegisterExtension static final KubectlOnEmbeddedCluster kubectl =
 * new KubectlOnEmbeddedCluster();}). Before the class it skips the class where kubectl is not installed, starts the
 * cluster and writes its kubeconfig into a directory of the class's own (kubectl's working directory and HOME);
 * after the class it closes the cluster and deletes the directory.
 */
final class KubectlOnEmbeddedCluster implements BeforeAllCallback, AfterAllCallback {

    private final EmbeddedClusterForClass cluster = new EmbeddedClusterForClass();
    private Kubectl kubectl;
    private Path workDirectory;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Kubectl.assumeInstalled();
        workDirectory = Files.createTempDirectory("kubectl-" + context.getRequiredTestClass().getSimpleName());
        cluster.beforeAll(context);
        kubectl = new Kubectl(cluster.apiServer().writeKubeconfig(workDirectory.resolve("kubeconfig")), workDirectory);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        cluster.afterAll(context);
        if (workDirectory != null) {
            try (Stream<Path> files = Files.walk(workDirectory)) {
                files.sorted(Comparator.reverseOrder()).forEach(KubectlOnEmbeddedCluster::delete);
            }
        }
    }

    EmbeddedCluster cluster() {
        return cluster.cluster();
    }

    /** kubectl's working directory: files a test writes for {@code kubectl apply -f NAME} go here. */
    Path workDirectory() {
        return workDirectory;
    }

    CommandRun.Result run(String... arguments) {
        return kubectl.run(arguments);
    }

    /** Runs kubectl with {@code stdin} piped in (for {@code apply -f -}). */
    CommandRun.Result runWithInput(String stdin, String... arguments) {
        return kubectl.runWithInput(stdin, arguments);
    }

    /** Starts kubectl without waiting for it (for {@code get -w}); its output goes to {@code out}. */
    Process start(Path out, String... arguments) {
        return kubectl.start(out, arguments);
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

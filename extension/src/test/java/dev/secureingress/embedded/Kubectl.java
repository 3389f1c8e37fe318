package dev.secureingress.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the real kubectl against a kubeconfig; tests using it are skipped where kubectl is not installed. */
final class Kubectl {

    private final Path kubeconfig;
    private final Path workDirectory;

    Kubectl(Path kubeconfig, Path workDirectory) {
        this.kubeconfig = kubeconfig;
        this.workDirectory = workDirectory;
    }

    Path workDirectory() {
        return workDirectory;
    }

    /** Skips the calling test unless {@code kubectl version --client} runs. */
    static void assumeInstalled() {
        CommandRun.assumeInstalled("kubectl", "version", "--client");
    }

    /** Asserts that kubectl ended with exit code 0 and printed each of {@code expectedOutput} on stdout. */
    static CommandRun.Result succeeds(CommandRun.Result result, String... expectedOutput) {
        assertThat(result.exitCode()).as("kubectl failed: %s", result.all()).isZero();
        if (expectedOutput.length > 0) {
            assertThat(result.out()).as(result.all()).contains(expectedOutput);
        }
        return result;
    }

    /** What a kubectl {@link #start started} has printed to {@code out} so far. */
    static String printedSoFar(Path out) {
        try {
            return Files.readString(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    CommandRun.Result run(String... arguments) {
        return runWithInput(null, arguments);
    }

    /** Starts kubectl without waiting for it (for {@code get -w}); its output goes to {@code out}. */
    Process start(Path out, String... arguments) {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDirectory.toFile())
                .redirectOutput(out.toFile()).redirectErrorStream(true);
        builder.environment().put("HOME", workDirectory.toString());
        try {
            return builder.start();
        } catch (IOException e) {
            throw new AssertionError("could not run " + String.join(" ", command), e);
        }
    }

    /** Runs kubectl with {@code stdin} piped in (for {@code apply -f -}). */
    CommandRun.Result runWithInput(String stdin, String... arguments) {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(),
                "--request-timeout=60s"));
        command.addAll(List.of(arguments));
        // HOME: a discovery cache of its own
        return CommandRun.run(workDirectory, Map.of("HOME", workDirectory.toString()), stdin,
                Duration.ofSeconds(120), command);
    }
}

package dev.secureingress.embedded;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real kubectl against a kubeconfig; tests using it are skipped where kubectl is not installed. */
final class Kubectl {

    record Result(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

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
        boolean installed;
        try {
            Process process = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            installed = process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            installed = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            installed = false;
        }
        Assumptions.assumeTrue(installed, "kubectl is not installed (not on the PATH): kubectl-driven tests skipped");
    }

    Result run(String... arguments) {
        return runWithInput(null, arguments);
    }

    /** Runs kubectl with {@code stdin} piped in (for {@code apply -f -}). */
    Result runWithInput(String stdin, String... arguments) {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(),
                "--request-timeout=60s"));
        command.addAll(List.of(arguments));
        try {
            Path out = Files.createTempFile(workDirectory, "kubectl", ".out");
            Path err = Files.createTempFile(workDirectory, "kubectl", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDirectory.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("HOME", workDirectory.toString()); // own discovery cache
            Process process = builder.start();
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kubectl " + String.join(" ", arguments) + " did not finish within 120 s");
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new AssertionError("could not run kubectl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}

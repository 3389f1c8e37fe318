package dev.secureingress.embedded;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command line tool (kubectl, curl, bash) the way a user would, bounded by a timeout, and keeps what it
 * printed. Tests that need a tool call {@link #assumeInstalled} first so that they are skipped, with the reason,
 * where it is missing.
 */
final class CommandRun {

    /** What a command printed and how it ended. */
    record Result(List<String> command, int exitCode, String out, String err) {
        String all() {
            return out + err;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " -> exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private CommandRun() {
    }

    /** Skips the calling test unless {@code versionCommand} (e.g. {@code curl --version}) runs and exits 0. */
    static void assumeInstalled(String... versionCommand) {
        boolean installed;
        try {
            Process process = new ProcessBuilder(versionCommand).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            installed = process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            installed = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            installed = false;
        }
        Assumptions.assumeTrue(installed, versionCommand[0] + " is not installed (not on the PATH): tests driving "
                + versionCommand[0] + " skipped");
    }

    /**
     * Runs {@code command} in {@code directory} with extra environment variables and {@code stdin} piped in
     * (none when {@code null}); output goes to files there, so a chatty tool never blocks on a full pipe.
     *
     * @throws AssertionError when it cannot be started or does not finish within {@code timeout}
     */
    static Result run(Path directory, Map<String, String> environment, String stdin, Duration timeout,
                      List<String> command) {
        try {
            Path out = Files.createTempFile(directory, "command", ".out");
            Path err = Files.createTempFile(directory, "command", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout.toSeconds()
                        + " s; stdout so far:\n" + Files.readString(out) + "\nstderr so far:\n" + Files.readString(err));
            }
            Result result = new Result(command, process.exitValue(), Files.readString(out), Files.readString(err));
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new AssertionError("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        }
    }
}

package dev.secureingress.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code openssl} command line tool, for comparisons and interoperability checks. Every run is
 * bounded by a timeout.
 */
public final class Openssl {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** What one command printed and how it ended. */
    public record Result(List<String> command, int exitCode, String output) {
        /** True if the command exited with 0. */
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    private Openssl() {
    }

    /** True if {@code openssl version} runs. */
    public static boolean isAvailable() {
        try {
            return exec(Path.of("."), "version").succeeded();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs {@code openssl args...} in a directory and returns its combined stdout and stderr.
     *
     * @throws IllegalStateException if it exits non-zero, naming the command and its output
     */
    public static String run(Path workingDirectory, String... args) {
        Result result = exec(workingDirectory, args);
        if (!result.succeeded()) {
            throw new IllegalStateException(String.join(" ", result.command()) + " exited with " + result.exitCode()
                    + ":\n" + result.output());
        }
        return result.output();
    }

    /** Runs {@code openssl args...} in a directory, whatever its exit code. */
    public static Result exec(Path workingDirectory, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Path output = null;
        try {
            output = Files.createTempFile("openssl", ".out");
            Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice())).start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + TIMEOUT
                        + "; output so far:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(command, process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + String.join(" ", command)
                    + " (is openssl installed and on the PATH?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", command), e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    private static File nullDevice() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}

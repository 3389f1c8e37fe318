package dev.secureingress.cli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A fresh JVM for cold-start figures: {@code java <options> -cp <this JVM's class path> <main class>}, its
 * output collected line by line. Also knows the start-up options for short-lived JVMs
 * ({@link #classDataSharing}): an application class data sharing archive written by a training run, and the
 * client compiler only.
 */
public final class FreshJvm {

    /** The client compiler only: a short-lived JVM starts faster without the optimising compiler's work. */
    public static final String CLIENT_COMPILER_ONLY = "-XX:TieredStopAtLevel=1";

    private final Class<?> mainClass;
    private final List<String> options;
    private final Duration timeout;

    private FreshJvm(Class<?> mainClass, List<String> options, Duration timeout) {
        this.mainClass = mainClass;
        this.options = List.copyOf(options);
        this.timeout = timeout;
    }

    /** A JVM that runs {@code mainClass} with this JVM's class path, stopped after {@code timeout}. */
    public static FreshJvm running(Class<?> mainClass, Duration timeout) {
        return new FreshJvm(mainClass, List.of(), timeout);
    }

    /** The same JVM with these options before the class path. */
    public FreshJvm withOptions(List<String> jvmOptions) {
        return new FreshJvm(mainClass, jvmOptions, timeout);
    }

    /** The JVM options, e.g. for a skip reason. */
    public List<String> options() {
        return options;
    }

    /**
     * The CPU time this process has used so far (all its threads: the application's, the JIT compilers', the
     * garbage collector's), in milliseconds; -1 where the platform does not tell. A fresh JVM prints it beside its
     * timestamps: unlike wall time, it hardly depends on what else the machine runs.
     */
    public static long processCpuMillis() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
    }

    /** Starts the JVM and waits for it to end (at most the timeout, then it is killed). */
    public Run run() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        long spawned = System.currentTimeMillis();
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.add(line);
                }
            } catch (IOException ended) {
                // the JVM was killed; what it printed before is kept
            }
        }, "fresh-jvm-output");
        reader.setDaemon(true);
        reader.start();
        boolean ended = child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return new Run(spawned, List.copyOf(output), ended ? child.exitValue() : null);
    }

    /**
     * This JVM with the start-up options for short-lived JVMs: one untimed training run writes an application
     * class data sharing archive ({@code -XX:ArchiveClassesAtExit}, JDK 17's dynamic archive) into
     * {@code archiveDirectory}; the returned JVM maps it ({@code -XX:SharedArchiveFile}) and runs the client
     * compiler only. Empty, with the reason in {@code whyNot}, when no archive can be made: class data sharing
     * archives classes from jar files only, so a class path with directories (a build's {@code target/classes})
     * cannot use it.
     */
    public Optional<FreshJvm> classDataSharing(Path archiveDirectory, List<String> whyNot)
            throws IOException, InterruptedException {
        Optional<String> directory = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> Files.isDirectory(Path.of(entry))).findFirst();
        if (directory.isPresent()) {
            whyNot.add("class data sharing archives classes from jar files only, and this class path has the directory "
                    + directory.get() + "; run the bench from the -cli.jar");
            return Optional.empty();
        }
        Path archive = archiveDirectory.resolve(mainClass.getSimpleName() + ".jsa");
        Run training = withOptions(List.of("-XX:ArchiveClassesAtExit=" + archive)).run();
        if (!Files.isRegularFile(archive)) {
            whyNot.add("the training run (exit " + training.exitCode() + ") wrote no class data sharing archive to "
                    + archive + "; its last output:\n" + training.tail(20));
            return Optional.empty();
        }
        return Optional.of(withOptions(List.of("-XX:SharedArchiveFile=" + archive, CLIENT_COMPILER_ONLY)));
    }

    /** A temporary directory for archives, deleted with what it holds when closed. */
    public static TemporaryDirectory temporaryDirectory() {
        try {
            return new TemporaryDirectory(Files.createTempDirectory("secure-ingress-jvm"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    /** What a fresh JVM printed, and when it was spawned. */
    public record Run(long spawnedEpochMillis, List<String> output, Integer exitCode) {

        /** The text after {@code prefix} on the last line that starts with it. */
        public Optional<String> valueAfter(String prefix) {
            for (int i = output.size() - 1; i >= 0; i--) {
                if (output.get(i).startsWith(prefix)) {
                    return Optional.of(output.get(i).substring(prefix.length()));
                }
            }
            return Optional.empty();
        }

        /** The last {@code lines} lines of output, for a skip reason. */
        public String tail(int lines) {
            return String.join("\n", output.subList(Math.max(0, output.size() - lines), output.size()));
        }

        /** True when the JVM did not end within its timeout (and was killed). */
        public boolean timedOut() {
            return exitCode == null;
        }
    }

    /** A directory deleted with its files on {@link #close()}. */
    public record TemporaryDirectory(Path path) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try (var files = Files.list(path)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(path);
        }
    }
}

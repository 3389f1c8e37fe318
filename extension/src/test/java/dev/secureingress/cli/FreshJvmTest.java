package dev.secureingress.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class FreshJvmTest {

    /** What the fresh JVMs of these tests run. */
    public static final class Printer {
        public static void main(String[] args) throws InterruptedException {
            System.out.println("first-line");
            System.out.println("value=41");
            System.out.println("value=42");
            if (Boolean.getBoolean("printer.hang")) {
                Thread.sleep(60_000);
            }
            System.exit(3);
        }
    }

    @Test
    void runsTheMainClassWithThisClassPathAndCollectsItsOutput() throws Exception {
        FreshJvm.Run run = FreshJvm.running(Printer.class, Duration.ofSeconds(60)).run();

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.timedOut()).isFalse();
        assertThat(run.valueAfter("value=")).contains("42");
        assertThat(run.valueAfter("missing=")).isEmpty();
        assertThat(run.tail(2)).isEqualTo("value=41\nvalue=42");
        assertThat(run.spawnedEpochMillis()).isLessThanOrEqualTo(System.currentTimeMillis());
    }

    @Test
    void processCpuTimeIsCountedAndGrowsWithWork() {
        long before = FreshJvm.processCpuMillis();
        long sink = 0;
        for (long end = System.nanoTime() + 200_000_000L; System.nanoTime() < end; ) {
            sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
        }

        assertThat(sink).isNotNegative();
        assertThat(before).isPositive();
        assertThat(FreshJvm.processCpuMillis()).isGreaterThan(before);
    }

    @Test
    void passesItsOptionsAndKillsAJvmThatOutlivesItsTimeout() throws Exception {
        FreshJvm.Run run = FreshJvm.running(Printer.class, Duration.ofSeconds(3))
                .withOptions(List.of("-Dprinter.hang=true")).run();

        assertThat(run.timedOut()).isTrue();
        assertThat(run.output()).contains("value=42");
    }

    @Test
    void classDataSharingNamesTheDirectoryOnTheClassPathItCannotArchive() throws Exception {
        List<String> whyNot = new ArrayList<>();
        try (FreshJvm.TemporaryDirectory archives = FreshJvm.temporaryDirectory()) {
            Optional<FreshJvm> tuned = FreshJvm.running(Printer.class, Duration.ofSeconds(60))
                    .classDataSharing(archives.path(), whyNot);

            // the test class path holds target/test-classes and target/classes
            assertThat(tuned).isEmpty();
            assertThat(whyNot).singleElement().asString()
                    .startsWith("class data sharing archives classes from jar files only")
                    .contains("target");
            assertThat(archives.path()).isEmptyDirectory();
        }
    }

    @Test
    void theTemporaryDirectoryIsDeletedWithItsFiles() throws Exception {
        Path directory;
        try (FreshJvm.TemporaryDirectory archives = FreshJvm.temporaryDirectory()) {
            directory = archives.path();
            Files.writeString(directory.resolve("archive.jsa"), "x");
        }
        assertThat(directory).doesNotExist();
    }
}

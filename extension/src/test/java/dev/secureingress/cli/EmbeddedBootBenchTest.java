package dev.secureingress.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedBootBenchTest {

    @Test
    void reportsColdAndWarmBootToAServedHttpbin() {
        CliRun run = CliRun.of("bench", "--only", "embedded", "--runs", "1", "--no-warmup");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).doesNotContain("skipped");
        assertThat(run.out().lines().toList())
                .anyMatch(line -> line.matches("embedded\\.boot\\.cold\\.ms: [0-9]+(\\.[0-9]+)? ms"))
                .anyMatch(line -> line.matches("embedded\\.boot\\.warm\\.ms: [0-9]+(\\.[0-9]+)? ms"));
    }
}

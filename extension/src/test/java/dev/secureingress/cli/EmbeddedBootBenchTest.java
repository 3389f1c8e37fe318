package dev.secureingress.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedBootBenchTest {

    @Test
    void reportsColdAndWarmBootToAServedHttpbinAndAFreshJvmsFirstGatewayWrite() {
        CliRun run = CliRun.of("bench", "--only", "embedded", "--runs", "1", "--no-warmup");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).doesNotContain("skipped embedded.boot.cold.ms").doesNotContain("skipped embedded.boot.warm.ms");
        assertThat(run.out().lines().toList())
                .anyMatch(line -> line.matches("embedded\\.boot\\.cold\\.ms: [0-9]+(\\.[0-9]+)? ms"))
                .anyMatch(line -> line.matches("embedded\\.boot\\.cold\\.cpu\\.ms: [1-9][0-9]*(\\.[0-9]+)? ms"))
                .anyMatch(line -> line.matches("embedded\\.boot\\.warm\\.ms: [0-9]+(\\.[0-9]+)? ms"))
                .anyMatch(line -> line.matches("embedded\\.api\\.gateway\\.first-write\\.ms: [0-9]+(\\.[0-9]+)? ms"))
                .anyMatch(line -> line.matches("embedded\\.api\\.gateway\\.first-write\\.cpu\\.ms: [1-9][0-9]*(\\.[0-9]+)? ms"))
                .anyMatch(line -> line.matches("embedded\\.api\\.gateway\\.second-write\\.ms: [0-9]+(\\.[0-9]+)? ms"));
        // the test class path has target/classes directories, which class data sharing cannot archive
        assertThat(run.err()).contains("skipped embedded.boot.cold.cds.ms: class data sharing archives classes from"
                + " jar files only, and this class path has the directory ");
        assertThat(run.out()).doesNotContain("embedded.boot.cold.cds.ms");
    }
}

package dev.secureingress.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import dev.secureingress.tls.Credential;
import dev.secureingress.tls.KeyAlgorithm;
import dev.secureingress.tls.Pem;
import dev.secureingress.tls.SeedPkiTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PkiCommandTest {

    @TempDir
    Path directory;

    @Test
    void writesTheSeedLayoutWithOwnerOnlyKeyFiles() throws Exception {
        Path out = directory.resolve("certs");

        CliRun run = CliRun.of("pki", "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(out)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).extracting(file -> out.relativize(file).toString()).containsExactlyInAnyOrderElementsOf(SeedPkiTest.SEED_LAYOUT);
        assertThat(run.out().lines()).hasSize(12).allMatch(line -> files.contains(Path.of(line)));
        for (Path file : files) {
            if (file.toString().endsWith(".key")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
                        .isEqualTo("rw-------");
            }
        }
        Credential httpbin = Credential.fromPem(Files.readString(out.resolve("example_certs1/httpbin.example.com.crt")),
                Files.readString(out.resolve("example_certs1/httpbin.example.com.key")),
                Files.readString(out.resolve("example_certs1/example.com.crt")));
        assertThat(KeyAlgorithm.of(httpbin.privateKey())).isEqualTo(KeyAlgorithm.ECDSA_P256);
        assertThat(httpbin.certificate().getIssuerX500Principal()).isEqualTo(httpbin.root().getSubjectX500Principal());
    }

    @Test
    void keyAlgorithmCanBeChosen() throws Exception {
        CliRun run = CliRun.of("pki", "--out", directory.toString(), "--key-algorithm", "RSA_2048");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(KeyAlgorithm.of(Pem.readPrivateKey(Files.readString(directory.resolve("example_certs2/example.com.key")))))
                .isEqualTo(KeyAlgorithm.RSA_2048);
    }

    @Test
    void missingOutOrBadAlgorithmIsAUsageError() {
        CliRun missing = CliRun.of("pki");
        CliRun badAlgorithm = CliRun.of("pki", "--out", directory.toString(), "--key-algorithm", "DSA_1024");

        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--out=DIR'");
        assertThat(badAlgorithm.exitCode()).isEqualTo(2);
        assertThat(badAlgorithm.err()).contains("DSA_1024").contains("ECDSA_P256");
    }

    @Test
    void rootCommandListsItsCommands() {
        CliRun help = CliRun.of("--help");
        CliRun none = CliRun.of();

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("pki", "bench");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("Missing command");
    }
}

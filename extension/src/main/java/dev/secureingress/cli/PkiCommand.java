package dev.secureingress.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.secureingress.tls.KeyAlgorithm;
import dev.secureingress.tls.SeedPki;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code pki --out DIR}: writes the "Secure Gateways" certificate directories instead of ten openssl commands. */
@Command(name = "pki",
        mixinStandardHelpOptions = true,
        header = "Writes the seed's certificate directories (replaces its openssl steps).",
        description = "Writes the certificates of Istio's Secure Gateways task: DIR/example_certs1 (root 1 and the "
                + "httpbin, helloworld and client certificates it issued) and DIR/example_certs2 (root 2, same "
                + "subject, and its httpbin certificate). Key files are readable by their owner only.")
final class PkiCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write into (created if missing).")
    Path out;

    @Option(names = "--key-algorithm", paramLabel = "ALGORITHM", defaultValue = "ECDSA_P256",
            description = "Key type of every key: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; the seed's openssl uses RSA_2048).")
    KeyAlgorithm keyAlgorithm;

    @Override
    public Integer call() {
        List<Path> written = SeedPki.generate(keyAlgorithm).writeTo(out);
        var stdout = spec.commandLine().getOut();
        for (Path file : written) {
            stdout.println(file);
        }
        stdout.flush();
        return 0;
    }
}

package dev.secureingress.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Locale;
import java.util.Comparator;
import java.util.stream.Stream;

import dev.secureingress.tls.CertificateAuthority;
import dev.secureingress.tls.KeyAlgorithm;
import dev.secureingress.tls.SeedPki;

/**
 * PKI figures: the seed's whole PKI (generate every key and certificate and write the directory layout) with
 * ECDSA P-256 and RSA-2048 keys; the seed's own openssl commands for comparison and the ratios; and single
 * certificates: a root, a leaf with its key, a key pair of each type, and signing a leaf for an existing key.
 */
final class PkiBenchmark implements Benchmark {

    @Override
    public String area() {
        return "pki";
    }

    @Override
    public void run(Figures figures) throws Exception {
        Path scratch = Files.createTempDirectory("secure-ingress-bench-pki");
        try {
            double ecdsa = figures.medianMillis(5, () -> SeedPki.generate(KeyAlgorithm.ECDSA_P256).writeTo(scratch.resolve("ecdsa")));
            figures.report("pki.seed.ecdsa-p256.ms", ecdsa, "ms");
            double rsa = figures.medianMillis(2, () -> SeedPki.generate(KeyAlgorithm.RSA_2048).writeTo(scratch.resolve("rsa")));
            figures.report("pki.seed.rsa2048.ms", rsa, "ms");

            if (Openssl.isAvailable()) {
                double openssl = figures.medianMillis(1, () -> {
                    Path directory = Files.createTempDirectory(scratch, "openssl");
                    SeedOpensslSteps.runIn(directory);
                });
                figures.report("pki.seed.openssl.ms", openssl, "ms");
                figures.report("pki.seed.ecdsa-p256.openssl-ratio", ecdsa / openssl, "ratio");
                figures.report("pki.seed.rsa2048.openssl-ratio", rsa / openssl, "ratio");
            } else {
                figures.skip("pki.seed.openssl.ms", "openssl is not on the PATH, so the seed's openssl steps "
                        + "cannot be timed (and no ratios are reported)");
            }

            CertificateAuthority root = CertificateAuthority.root(SeedPki.ROOT_SUBJECT).build();
            figures.report("pki.root.ecdsa-p256.ms", figures.medianMillis(20,
                    () -> CertificateAuthority.root(SeedPki.ROOT_SUBJECT).build()), "ms");
            figures.report("pki.leaf.ecdsa-p256.ms", figures.medianMillis(20,
                    () -> root.issue().server(SeedPki.HTTPBIN_HOST).build()), "ms");
            for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
                String name = figureName(algorithm);
                boolean slow = algorithm == KeyAlgorithm.RSA_3072 || algorithm == KeyAlgorithm.RSA_4096;
                figures.report("pki.keypair." + name + ".ms", figures.medianMillis(algorithm.isRsa() ? 1 : 20,
                        slow ? 3 : Integer.MAX_VALUE, algorithm::generateKeyPair), "ms");
                KeyPair keys = algorithm.generateKeyPair();
                figures.report("pki.leaf." + name + ".sign.ms", figures.medianMillis(20,
                        () -> root.issue().server(SeedPki.HTTPBIN_HOST).keyPair(keys).build()), "ms");
            }
        } finally {
            deleteRecursively(scratch);
        }
    }

    /** ECDSA_P256 -> ecdsa-p256, RSA_2048 -> rsa2048. */
    private static String figureName(KeyAlgorithm algorithm) {
        String lower = algorithm.name().toLowerCase(Locale.ROOT);
        return algorithm.isRsa() ? lower.replace("_", "") : lower.replace('_', '-');
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

package dev.secureingress.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.secureingress.cli.Openssl;
import dev.secureingress.cli.SeedOpensslSteps;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written here are read by openssl, and files openssl writes are read here. */
class OpensslInteropTest {

    @TempDir
    Path directory;

    @BeforeAll
    static void requireOpenssl() {
        Assumptions.assumeTrue(Openssl.isAvailable(), "openssl is not on the PATH: interop with openssl not checked");
    }

    @Test
    void opensslVerifiesTheSeedPkiAgainstTheRightRootOnly() {
        SeedPki pki = SeedPki.generate();
        pki.writeTo(directory);

        for (String leaf : List.of("httpbin.example.com", "helloworld.example.com", "client.example.com")) {
            assertThat(Openssl.run(directory, "verify", "-CAfile", "example_certs1/example.com.crt",
                    "example_certs1/" + leaf + ".crt")).contains(": OK");
            assertThat(Openssl.exec(directory, "verify", "-CAfile", "example_certs2/example.com.crt",
                    "example_certs1/" + leaf + ".crt").succeeded()).as(leaf + " against root 2").isFalse();
        }
        assertThat(Openssl.run(directory, "verify", "-CAfile", "example_certs2/example.com.crt",
                "example_certs2/httpbin.example.com.crt")).contains(": OK");
        assertThat(Openssl.run(directory, "verify", "-purpose", "sslclient", "-CAfile", "example_certs1/example.com.crt",
                "example_certs1/client.example.com.crt")).contains(": OK");
        assertThat(Openssl.run(directory, "verify", "-purpose", "sslserver", "-CAfile", "example_certs1/example.com.crt",
                "example_certs1/httpbin.example.com.crt")).contains(": OK");
    }

    @Test
    void opensslVerifiesChainsThroughIntermediates() throws Exception {
        CertificateAuthority root = CertificateAuthority.root("O=example Inc.,CN=example.com").keyAlgorithm(KeyAlgorithm.RSA_2048).build();
        CertificateAuthority intermediate = root.intermediate("CN=Intermediate").keyAlgorithm(KeyAlgorithm.ECDSA_P384).pathLength(0).build();
        Credential leaf = intermediate.issue().server("deep.example.com").build();
        Files.writeString(directory.resolve("root.crt"), root.certificatePem());
        Files.writeString(directory.resolve("untrusted.crt"), Pem.encode(leaf.intermediates()));
        Files.writeString(directory.resolve("leaf.crt"), leaf.certificatePem());

        assertThat(Openssl.run(directory, "verify", "-CAfile", "root.crt", "-untrusted", "untrusted.crt", "leaf.crt"))
                .contains("leaf.crt: OK");
        assertThat(Openssl.exec(directory, "verify", "-CAfile", "root.crt", "leaf.crt").succeeded())
                .as("without the intermediate").isFalse();
    }

    @Test
    void opensslShowsTheExtensions() throws Exception {
        CertificateAuthority root = CertificateAuthority.root("O=example Inc.,CN=example.com").pathLength(1).build();
        Credential leaf = root.issue().server("httpbin.example.com", "*.example.com", "10.0.0.1")
                .keyAlgorithm(KeyAlgorithm.RSA_2048).subject("CN=httpbin.example.com,O=httpbin organization").build();
        Files.writeString(directory.resolve("root.crt"), root.certificatePem());
        Files.writeString(directory.resolve("leaf.crt"), leaf.certificatePem());

        String rootText = Openssl.run(directory, "x509", "-noout", "-text", "-in", "root.crt");
        String leafText = Openssl.run(directory, "x509", "-noout", "-text", "-in", "leaf.crt");

        assertThat(Openssl.run(directory, "x509", "-noout", "-subject", "-in", "root.crt").trim())
                .isEqualTo("subject=O = example Inc., CN = example.com");
        assertThat(Openssl.run(directory, "x509", "-noout", "-subject", "-in", "leaf.crt").trim())
                .isEqualTo("subject=CN = httpbin.example.com, O = httpbin organization");
        assertThat(rootText).contains("X509v3 Basic Constraints: critical", "CA:TRUE, pathlen:1",
                "X509v3 Key Usage: critical", "Certificate Sign, CRL Sign", "ecdsa-with-SHA256");
        assertThat(leafText).contains("CA:FALSE", "Digital Signature, Key Encipherment", "TLS Web Server Authentication",
                "DNS:httpbin.example.com, DNS:*.example.com, IP Address:10.0.0.1", "X509v3 Subject Key Identifier",
                "X509v3 Authority Key Identifier", "Public-Key: (2048 bit)");
    }

    @Test
    void opensslReadsOurPkcs8KeysAndTheyMatchTheirCertificates() throws Exception {
        for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
            if (algorithm == KeyAlgorithm.RSA_4096 || algorithm == KeyAlgorithm.RSA_3072) {
                continue; // same encoding as RSA_2048, only slower
            }
            Credential leaf = CertificateAuthority.root("CN=Root").build().issue().server("key.example.com")
                    .keyAlgorithm(algorithm).build();
            PemFiles.writePublic(directory.resolve("leaf.crt"), leaf.certificatePem());
            PemFiles.writePrivateKey(directory.resolve("leaf.key"), leaf.privateKey());

            String fromKey = Openssl.run(directory, "pkey", "-pubout", "-in", "leaf.key");
            String fromCertificate = Openssl.run(directory, "x509", "-noout", "-pubkey", "-in", "leaf.crt");

            assertThat(fromKey).as(algorithm.name()).isEqualTo(fromCertificate).startsWith("-----BEGIN PUBLIC KEY-----");
        }
    }

    @Test
    void readsWhatTheSeedsOpensslCommandsWrite() throws Exception {
        SeedOpensslSteps.runIn(directory);
        Path certs1 = directory.resolve("example_certs1");
        try (Stream<Path> files = Files.walk(directory)) {
            assertThat(files.filter(Files::isRegularFile).map(file -> directory.relativize(file).toString())
                    .filter(file -> !file.endsWith(".csr")))
                    .as("SeedPki writes what the seed's openssl steps write").containsExactlyInAnyOrderElementsOf(SeedPkiTest.SEED_LAYOUT);
        }

        CertificateAuthority root1 = CertificateAuthority.fromPem(Files.readString(certs1.resolve("example.com.crt")),
                Files.readString(certs1.resolve("example.com.key")));
        Credential httpbin = Credential.fromPem(Files.readString(certs1.resolve("httpbin.example.com.crt")),
                Files.readString(certs1.resolve("httpbin.example.com.key")), root1.certificatePem());

        assertThat(root1.subject()).isEqualTo("O=example Inc.,CN=example.com");
        assertThat(root1.keyAlgorithm()).isEqualTo(KeyAlgorithm.RSA_2048);
        assertThat(httpbin.subject()).isEqualTo("CN=httpbin.example.com,O=httpbin organization");
        Pkix.validate(httpbin.chain(), root1.certificate());

        // a leaf we issue from the openssl root is accepted by openssl
        Credential ours = root1.issue().server("extra.example.com").build();
        Files.writeString(directory.resolve("extra.crt"), ours.certificatePem());
        assertThat(Openssl.run(directory, "verify", "-CAfile", "example_certs1/example.com.crt", "extra.crt")).contains(": OK");

        // traditional (PKCS#1) keys as older openssl writes them
        Openssl.run(directory, "pkey", "-in", "example_certs1/client.example.com.key", "-traditional", "-out", "client-rsa.key");
        String traditional = Files.readString(directory.resolve("client-rsa.key"));
        assertThat(traditional).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Credential.fromPem(Files.readString(certs1.resolve("client.example.com.crt")), traditional).subject())
                .isEqualTo("CN=client.example.com,O=client organization");

        // EC keys as `openssl ecparam -genkey` writes them: an EC PARAMETERS block, then EC PRIVATE KEY
        Openssl.run(directory, "ecparam", "-name", "prime256v1", "-genkey", "-out", "ec.key");
        String ecKey = Files.readString(directory.resolve("ec.key"));
        assertThat(ecKey).contains("-----BEGIN EC PARAMETERS-----", "-----BEGIN EC PRIVATE KEY-----");
        assertThat(KeyAlgorithm.of(Pem.readPrivateKey(ecKey))).isEqualTo(KeyAlgorithm.ECDSA_P256);
    }
}

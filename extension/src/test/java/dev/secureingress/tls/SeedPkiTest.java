package dev.secureingress.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class SeedPkiTest {

    /** The files of the seed's walk-through that are used after signing (the .csr files are not). */
    public static final List<String> SEED_LAYOUT = List.of(
            "example_certs1/example.com.crt", "example_certs1/example.com.key",
            "example_certs1/httpbin.example.com.crt", "example_certs1/httpbin.example.com.key",
            "example_certs1/helloworld.example.com.crt", "example_certs1/helloworld.example.com.key",
            "example_certs1/client.example.com.crt", "example_certs1/client.example.com.key",
            "example_certs2/example.com.crt", "example_certs2/example.com.key",
            "example_certs2/httpbin.example.com.crt", "example_certs2/httpbin.example.com.key");

    private static final SeedPki PKI = SeedPki.generate();

    @Test
    void bothRootsShareTheSubjectButNotTheKey() {
        assertThat(PKI.root1().subject()).isEqualTo("O=example Inc.,CN=example.com");
        assertThat(PKI.root2().certificate().getSubjectX500Principal())
                .isEqualTo(PKI.root1().certificate().getSubjectX500Principal());
        assertThat(PKI.root2().certificate().getPublicKey()).isNotEqualTo(PKI.root1().certificate().getPublicKey());
    }

    @Test
    void leavesHaveTheSeedSubjectsAndRoles() throws Exception {
        assertThat(PKI.httpbin1().subject()).isEqualTo("CN=httpbin.example.com,O=httpbin organization");
        assertThat(PKI.httpbin2().subject()).isEqualTo("CN=httpbin.example.com,O=httpbin organization");
        assertThat(PKI.helloworld().subject()).isEqualTo("CN=helloworld.example.com,O=helloworld organization");
        assertThat(PKI.client().subject()).isEqualTo("CN=client.example.com,O=client organization");
        assertThat(CertificateAuthorityTest.sans(PKI.httpbin1().certificate())).containsExactly(List.of(2, "httpbin.example.com"));
        assertThat(CertificateAuthorityTest.sans(PKI.helloworld().certificate())).containsExactly(List.of(2, "helloworld.example.com"));
        assertThat(PKI.client().certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    }

    @Test
    void everyCertificateValidatesAgainstItsRootAndFailsAgainstTheOther() throws Exception {
        X509Certificate root1 = PKI.root1().certificate();
        X509Certificate root2 = PKI.root2().certificate();
        Map<Credential, X509Certificate> issuedBy = Map.of(
                PKI.httpbin1(), root1, PKI.helloworld(), root1, PKI.client(), root1, PKI.httpbin2(), root2);

        for (var entry : issuedBy.entrySet()) {
            Credential credential = entry.getKey();
            X509Certificate own = entry.getValue();
            X509Certificate other = own == root1 ? root2 : root1;
            Pkix.validate(credential.chain(), own);
            assertThat(credential.root()).isEqualTo(own);
            assertThatThrownBy(() -> Pkix.validate(credential.chain(), other))
                    .as("%s against the other root", credential).isInstanceOf(CertPathValidatorException.class);
        }
    }

    @Test
    void rsaSeedIsRsaThroughout() throws Exception {
        SeedPki rsa = SeedPki.generate(KeyAlgorithm.RSA_2048);

        assertThat(rsa.keyAlgorithm()).isEqualTo(KeyAlgorithm.RSA_2048);
        for (Credential credential : List.of(rsa.root1().credential(), rsa.root2().credential(), rsa.httpbin1(),
                rsa.httpbin2(), rsa.helloworld(), rsa.client())) {
            assertThat(KeyAlgorithm.of(credential.privateKey())).isEqualTo(KeyAlgorithm.RSA_2048);
            assertThat(credential.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
        }
        Pkix.validate(rsa.httpbin2().chain(), rsa.root2().certificate());
    }

    @Test
    void writesTheSeedLayoutWithOwnerOnlyKeys(@TempDir Path directory) throws Exception {
        List<Path> written = PKI.writeTo(directory);

        assertThat(written).extracting(path -> directory.relativize(path).toString()).containsExactlyInAnyOrderElementsOf(SEED_LAYOUT);
        for (Path file : written) {
            String permissions = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
            if (file.toString().endsWith(".key")) {
                assertThat(permissions).as(file.toString()).isEqualTo("rw-------");
                assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----");
            } else {
                assertThat(Files.readString(file)).startsWith("-----BEGIN CERTIFICATE-----");
            }
        }
        Credential httpbin2 = Credential.fromPem(
                Files.readString(directory.resolve("example_certs2/httpbin.example.com.crt")),
                Files.readString(directory.resolve("example_certs2/httpbin.example.com.key")));
        assertThat(httpbin2.certificate()).isEqualTo(PKI.httpbin2().certificate());
        assertThat(Files.readString(directory.resolve("example_certs1/example.com.crt"))).isEqualTo(PKI.root1().certificatePem());
    }

    @Test
    void rewritingReplacesFilesAndKeepsKeysOwnerOnly(@TempDir Path directory) throws Exception {
        Path key = directory.resolve("example_certs1/client.example.com.key");
        SeedPki.generate().writeTo(directory);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

        PKI.writeTo(directory);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(Pem.readPrivateKey(Files.readString(key))).isEqualTo(PKI.client().privateKey());
    }
}

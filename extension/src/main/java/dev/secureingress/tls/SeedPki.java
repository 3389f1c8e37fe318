package dev.secureingress.tls;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * The whole PKI of Istio's "Secure Gateways" walk-through, made in one call instead of ten openssl commands:
 * two independent roots with the same subject {@code O=example Inc.,CN=example.com}; an httpbin server
 * certificate from each; a helloworld server certificate and a client certificate from root 1.
 *
 * <pre>{@code
 * SeedPki pki = SeedPki.generate();
 * pki.writeTo(Path.of("certs"));   // certs/example_certs1/httpbin.example.com.crt, ...
 * }</pre>
 *
 * {@link #writeTo(Path)} writes the seed's layout: {@code example_certs1/} with {@code example.com},
 * {@code httpbin.example.com}, {@code helloworld.example.com} and {@code client.example.com} ({@code .crt} and
 * {@code .key} each), and {@code example_certs2/} with {@code example.com} and {@code httpbin.example.com}.
 * The seed's {@code .csr} files are not written: nothing reads them after signing.
 */
public final class SeedPki {

    /** The subject both roots share, as in the seed. */
    public static final String ROOT_SUBJECT = "O=example Inc.,CN=example.com";
    public static final String HTTPBIN_HOST = "httpbin.example.com";
    public static final String HELLOWORLD_HOST = "helloworld.example.com";
    public static final String CLIENT_NAME = "client.example.com";
    /** Directory of root 1 and its leaves. */
    public static final String CERTS1 = "example_certs1";
    /** Directory of root 2 and its httpbin leaf. */
    public static final String CERTS2 = "example_certs2";

    private final KeyAlgorithm keyAlgorithm;
    private final CertificateAuthority root1;
    private final CertificateAuthority root2;
    private final Credential httpbin1;
    private final Credential httpbin2;
    private final Credential helloworld;
    private final Credential client;

    private SeedPki(KeyAlgorithm keyAlgorithm, List<KeyPair> keys) {
        this.keyAlgorithm = keyAlgorithm;
        this.root1 = CertificateAuthority.root(ROOT_SUBJECT).keyPair(keys.get(0)).build();
        this.root2 = CertificateAuthority.root(ROOT_SUBJECT).keyPair(keys.get(1)).build();
        this.httpbin1 = httpbinFrom(root1).build(keys.get(2));
        this.httpbin2 = httpbinFrom(root2).build(keys.get(3));
        this.helloworld = root1.issue().server(HELLOWORLD_HOST)
                .subject("CN=" + HELLOWORLD_HOST + ",O=helloworld organization").build(keys.get(4));
        this.client = root1.issue().client()
                .subject("CN=" + CLIENT_NAME + ",O=client organization").build(keys.get(5));
    }

    /** The seed PKI with {@link KeyAlgorithm#DEFAULT} (ECDSA P-256) keys. */
    public static SeedPki generate() {
        return generate(KeyAlgorithm.DEFAULT);
    }

    /**
     * The seed PKI with keys of the given type ({@link KeyAlgorithm#RSA_2048} is what the seed's openssl
     * commands make). RSA keys, which take tens of milliseconds each, are generated in parallel.
     */
    public static SeedPki generate(KeyAlgorithm keyAlgorithm) {
        Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
        IntStream indexes = IntStream.range(0, 6);
        if (keyAlgorithm.isRsa()) {
            indexes = indexes.parallel();
        }
        List<KeyPair> keys = indexes.mapToObj(i -> keyAlgorithm.generateKeyPair()).toList();
        return new SeedPki(keyAlgorithm, keys);
    }

    private static LeafCertificateBuilder httpbinFrom(CertificateAuthority root) {
        return root.issue().server(HTTPBIN_HOST).subject("CN=" + HTTPBIN_HOST + ",O=httpbin organization");
    }

    /** The key type of every key in this PKI. */
    public KeyAlgorithm keyAlgorithm() {
        return keyAlgorithm;
    }

    /** Root 1 ({@code example_certs1/example.com}). */
    public CertificateAuthority root1() {
        return root1;
    }

    /** Root 2 ({@code example_certs2/example.com}): same subject as root 1, different key. */
    public CertificateAuthority root2() {
        return root2;
    }

    /** httpbin.example.com issued by root 1. */
    public Credential httpbin1() {
        return httpbin1;
    }

    /** httpbin.example.com issued by root 2: what the rotation step switches to. */
    public Credential httpbin2() {
        return httpbin2;
    }

    /** helloworld.example.com issued by root 1. */
    public Credential helloworld() {
        return helloworld;
    }

    /** The client certificate client.example.com issued by root 1, for mutual TLS. */
    public Credential client() {
        return client;
    }

    /**
     * Writes the seed's directory layout under {@code directory} (created if needed); existing files are
     * replaced. Key files are owner-readable only.
     *
     * @return the files written
     */
    public List<Path> writeTo(Path directory) {
        List<Path> written = new ArrayList<>();
        Path certs1 = directory.resolve(CERTS1);
        Path certs2 = directory.resolve(CERTS2);
        write(certs1, "example.com", root1.credential(), written);
        write(certs1, HTTPBIN_HOST, httpbin1, written);
        write(certs1, HELLOWORLD_HOST, helloworld, written);
        write(certs1, CLIENT_NAME, client, written);
        write(certs2, "example.com", root2.credential(), written);
        write(certs2, HTTPBIN_HOST, httpbin2, written);
        return List.copyOf(written);
    }

    private static void write(Path directory, String name, Credential credential, List<Path> written) {
        written.add(PemFiles.writePublic(directory.resolve(name + ".crt"), credential.chainPem()));
        written.add(PemFiles.writePrivateKey(directory.resolve(name + ".key"), credential.privateKey()));
    }

    @Override
    public String toString() {
        return "SeedPki[" + keyAlgorithm + ", roots " + ROOT_SUBJECT + " x2]";
    }
}

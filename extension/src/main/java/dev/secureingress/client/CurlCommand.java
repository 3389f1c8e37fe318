package dev.secureingress.client;

import dev.secureingress.tls.Pem;
import dev.secureingress.tls.PemFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The curl command line that sends the same request the same way: {@code --resolve} to the gateway address,
 * {@code --cacert} with the client's trusted CAs, {@code --cert}/{@code --key} for mutual TLS, and the virtual
 * host in {@code -H Host:}. For failure messages and for people reproducing a test by hand. Immutable.
 *
 * <pre>
 * curl -sS -H Host:httpbin.example.com --resolve httpbin.example.com:31443:127.0.0.2 \
 *   --cacert ca-5d1e0a9c.crt https://httpbin.example.com:31443/status/418
 * </pre>
 *
 * <p>Certificates and keys are referred to by file name; {@link #writeFiles()} writes them as PEM into the
 * {@linkplain #withFilesIn(Path) files directory} on demand (key files readable by their owner only). File
 * names carry a fingerprint of their content, so commands of different clients can share one directory. The
 * command line never contains key material.
 */
public final class CurlCommand {

    private static final Pattern SAFE_ARGUMENT = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");
    private static final Object FILE_LOCK = new Object();

    private final IngressRequest request;
    private final InetSocketAddress endpoint;
    private final List<X509Certificate> trustedCertificates;
    private final ClientIdentity clientIdentity;
    private final Path filesDirectory;

    private CurlCommand(IngressRequest request, InetSocketAddress endpoint, List<X509Certificate> trustedCertificates,
                        ClientIdentity clientIdentity, Path filesDirectory) {
        this.request = Objects.requireNonNull(request, "request");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.trustedCertificates = List.copyOf(trustedCertificates);
        this.clientIdentity = clientIdentity;
        this.filesDirectory = filesDirectory;
    }

    static CurlCommand of(IngressRequest request, InetSocketAddress endpoint, PinnedTls tls, Path filesDirectory) {
        return new CurlCommand(request, endpoint, tls.trustedCertificates(), tls.clientIdentity().orElse(null),
                filesDirectory);
    }

    /** The request this command sends. */
    public IngressRequest request() {
        return request;
    }

    /** Where the PEM files referred to by the command are written, if set. */
    public Optional<Path> filesDirectory() {
        return Optional.ofNullable(filesDirectory);
    }

    /** The same command with its files in {@code directory} (absolute paths in the command line). */
    public CurlCommand withFilesIn(Path directory) {
        return new CurlCommand(request, endpoint, trustedCertificates, clientIdentity,
                directory.toAbsolutePath().normalize());
    }

    /**
     * Writes the files the command refers to (CA bundle, client certificate and key, a binary body) into the
     * files directory, unless they are there already.
     *
     * @throws IllegalStateException if no files directory was set: call {@link #withFilesIn(Path)} first
     * @throws UncheckedIOException  if a file cannot be written
     */
    public CurlCommand writeFiles() {
        if (filesDirectory == null) {
            throw new IllegalStateException("No directory for the curl command's PEM files; call"
                    + " withFilesIn(directory) first");
        }
        synchronized (FILE_LOCK) {
            writePublicIfAbsent(caFileName(), Pem.encode(trustedCertificates));
            if (clientIdentity != null) {
                writePublicIfAbsent(clientCertificateFileName(), Pem.encode(clientIdentity.chain()));
                Path keyFile = filesDirectory.resolve(clientKeyFileName());
                if (!Files.exists(keyFile)) {
                    PemFiles.writePrivateKey(keyFile, clientIdentity.privateKey());
                }
            }
            binaryBody().ifPresent(body -> {
                try {
                    Path file = filesDirectory.resolve(bodyFileName(body));
                    if (!Files.exists(file)) {
                        Files.createDirectories(filesDirectory);
                        Files.write(file, body);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("Could not write the request body for curl into "
                            + filesDirectory, e);
                }
            });
        }
        return this;
    }

    /** The command's arguments, starting with {@code curl}, as a process would receive them. */
    public List<String> arguments() {
        List<String> args = new ArrayList<>();
        args.add("curl");
        args.add("-sS");
        if (request.method().equals("HEAD")) {
            args.add("-I");
        } else if (!request.method().equals("GET") || request.body().isPresent()) {
            args.add("-X");
            args.add(request.method());
        }
        args.add("-H");
        args.add("Host:" + request.host());
        String target = request.host() + ":" + endpoint.getPort() + ":";
        if (endpoint.isUnresolved()) {
            // --resolve takes addresses only; a gateway known by name (a cloud load balancer) needs --connect-to.
            args.add("--connect-to");
            args.add(target + endpoint.getHostString() + ":" + endpoint.getPort());
        } else {
            String address = endpoint.getAddress().getHostAddress();
            args.add("--resolve");
            args.add(target + (endpoint.getAddress() instanceof Inet6Address ? "[" + address + "]" : address));
        }
        args.add("--cacert");
        args.add(file(caFileName()));
        if (clientIdentity != null) {
            args.add("--cert");
            args.add(file(clientCertificateFileName()));
            args.add("--key");
            args.add(file(clientKeyFileName()));
        }
        for (Map.Entry<String, String> header : request.headers()) {
            args.add("-H");
            args.add(header.getKey() + ": " + header.getValue());
        }
        request.contentType().ifPresent(type -> {
            args.add("-H");
            args.add("Content-Type: " + type);
        });
        request.body().ifPresent(body -> {
            args.add("--data-binary");
            Optional<byte[]> binary = binaryBody();
            args.add(binary.isPresent() ? "@" + file(bodyFileName(binary.get()))
                    : new String(body, StandardCharsets.UTF_8));
        });
        args.add("https://" + request.host() + (endpoint.getPort() == 443 ? "" : ":" + endpoint.getPort())
                + request.pathAndQuery());
        return List.copyOf(args);
    }

    /** The command line for a POSIX shell. Never contains key material. */
    public String commandLine() {
        List<String> quoted = new ArrayList<>();
        for (String argument : arguments()) {
            quoted.add(quote(argument));
        }
        return String.join(" ", quoted);
    }

    @Override
    public String toString() {
        return commandLine();
    }

    private String file(String name) {
        return filesDirectory == null ? name : filesDirectory.resolve(name).toString();
    }

    private String caFileName() {
        return "ca-" + fingerprint(trustedCertificates) + ".crt";
    }

    private String clientCertificateFileName() {
        return "client-" + fingerprint(clientIdentity.chain()) + ".crt";
    }

    private String clientKeyFileName() {
        return "client-" + fingerprint(clientIdentity.chain()) + ".key";
    }

    private static String bodyFileName(byte[] body) {
        return "body-" + fingerprint(body) + ".bin";
    }

    /** The body if it cannot be given as a command-line argument (not UTF-8, or with control characters). */
    private Optional<byte[]> binaryBody() {
        return request.body().filter(body -> {
            try {
                String text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(body)).toString();
                return text.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t' && c != '\r');
            } catch (CharacterCodingException e) {
                return true;
            }
        });
    }

    private void writePublicIfAbsent(String name, String pem) {
        Path file = filesDirectory.resolve(name);
        if (!Files.exists(file)) {
            PemFiles.writePublic(file, pem);
        }
    }

    private static String fingerprint(List<X509Certificate> certificates) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (X509Certificate certificate : certificates) {
                sha256.update(certificate.getEncoded());
            }
            return HexFormat.of().formatHex(sha256.digest(), 0, 4);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("Cannot fingerprint certificates: " + e.getMessage(), e);
        }
    }

    private static String fingerprint(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String quote(String argument) {
        if (SAFE_ARGUMENT.matcher(argument).matches()) {
            return argument;
        }
        return "'" + argument.replace("'", "'\\''") + "'";
    }
}

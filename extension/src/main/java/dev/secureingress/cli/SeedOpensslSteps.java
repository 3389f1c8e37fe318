package dev.secureingress.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The openssl commands of Istio's "Secure Gateways" walk-through, verbatim: two RSA-2048 roots, the httpbin
 * certificates from both, helloworld and client certificates from root 1. Run to compare {@code SeedPki}
 * against them and to check that both produce interchangeable files.
 */
public final class SeedOpensslSteps {

    /** The commands in order, each as openssl arguments (without the leading {@code openssl}). */
    public static final List<List<String>> COMMANDS = List.of(
            List.of("req", "-x509", "-sha256", "-nodes", "-days", "365", "-newkey", "rsa:2048",
                    "-subj", "/O=example Inc./CN=example.com",
                    "-keyout", "example_certs1/example.com.key", "-out", "example_certs1/example.com.crt"),
            List.of("req", "-out", "example_certs1/httpbin.example.com.csr", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", "example_certs1/httpbin.example.com.key",
                    "-subj", "/CN=httpbin.example.com/O=httpbin organization"),
            List.of("x509", "-req", "-sha256", "-days", "365", "-CA", "example_certs1/example.com.crt",
                    "-CAkey", "example_certs1/example.com.key", "-set_serial", "0",
                    "-in", "example_certs1/httpbin.example.com.csr", "-out", "example_certs1/httpbin.example.com.crt"),
            List.of("req", "-x509", "-sha256", "-nodes", "-days", "365", "-newkey", "rsa:2048",
                    "-subj", "/O=example Inc./CN=example.com",
                    "-keyout", "example_certs2/example.com.key", "-out", "example_certs2/example.com.crt"),
            List.of("req", "-out", "example_certs2/httpbin.example.com.csr", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", "example_certs2/httpbin.example.com.key",
                    "-subj", "/CN=httpbin.example.com/O=httpbin organization"),
            List.of("x509", "-req", "-sha256", "-days", "365", "-CA", "example_certs2/example.com.crt",
                    "-CAkey", "example_certs2/example.com.key", "-set_serial", "0",
                    "-in", "example_certs2/httpbin.example.com.csr", "-out", "example_certs2/httpbin.example.com.crt"),
            List.of("req", "-out", "example_certs1/helloworld.example.com.csr", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", "example_certs1/helloworld.example.com.key",
                    "-subj", "/CN=helloworld.example.com/O=helloworld organization"),
            List.of("x509", "-req", "-sha256", "-days", "365", "-CA", "example_certs1/example.com.crt",
                    "-CAkey", "example_certs1/example.com.key", "-set_serial", "1",
                    "-in", "example_certs1/helloworld.example.com.csr", "-out", "example_certs1/helloworld.example.com.crt"),
            List.of("req", "-out", "example_certs1/client.example.com.csr", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", "example_certs1/client.example.com.key",
                    "-subj", "/CN=client.example.com/O=client organization"),
            List.of("x509", "-req", "-sha256", "-days", "365", "-CA", "example_certs1/example.com.crt",
                    "-CAkey", "example_certs1/example.com.key", "-set_serial", "1",
                    "-in", "example_certs1/client.example.com.csr", "-out", "example_certs1/client.example.com.crt"));

    private SeedOpensslSteps() {
    }

    /** Creates {@code example_certs1} and {@code example_certs2} in the directory and runs every command there. */
    public static void runIn(Path directory) {
        try {
            Files.createDirectories(directory.resolve("example_certs1"));
            Files.createDirectories(directory.resolve("example_certs2"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (List<String> command : COMMANDS) {
            Openssl.run(directory, command.toArray(String[]::new));
        }
    }
}

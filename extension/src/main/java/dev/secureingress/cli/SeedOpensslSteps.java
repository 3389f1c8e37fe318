package dev.secureingress.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The openssl commands of Istio's "Secure Gateways" walk-through, argument for argument: two RSA-2048 roots, the httpbin
 * certificates from both, helloworld and client certificates from root 1. Run to compare {@code SeedPki}
 * against them and to check that both produce interchangeable files.
 */
public final class SeedOpensslSteps {

    /** The commands in order, each as openssl arguments (without the leading {@code openssl}). */
    public static final List<List<String>> COMMANDS = List.of(
            root("example_certs1"),
            request("example_certs1", "httpbin.example.com", "/CN=httpbin.example.com/O=httpbin organization"),
            sign("example_certs1", "httpbin.example.com", "0"),
            root("example_certs2"),
            request("example_certs2", "httpbin.example.com", "/CN=httpbin.example.com/O=httpbin organization"),
            sign("example_certs2", "httpbin.example.com", "0"),
            request("example_certs1", "helloworld.example.com", "/CN=helloworld.example.com/O=helloworld organization"),
            sign("example_certs1", "helloworld.example.com", "1"),
            request("example_certs1", "client.example.com", "/CN=client.example.com/O=client organization"),
            sign("example_certs1", "client.example.com", "1"));

    /** {@code openssl req -x509 ...}: a self-signed RSA-2048 root {@code example.com} in the directory. */
    private static List<String> root(String directory) {
        return List.of("req", "-x509", "-sha256", "-nodes", "-days", "365", "-newkey", "rsa:2048",
                "-subj", "/O=example Inc./CN=example.com",
                "-keyout", directory + "/example.com.key", "-out", directory + "/example.com.crt");
    }

    /** {@code openssl req -out NAME.csr -newkey rsa:2048 ...}: a key and a certificate request. */
    private static List<String> request(String directory, String name, String subject) {
        return List.of("req", "-out", directory + "/" + name + ".csr", "-newkey", "rsa:2048", "-nodes",
                "-keyout", directory + "/" + name + ".key", "-subj", subject);
    }

    /** {@code openssl x509 -req ...}: the directory's root signs the request. */
    private static List<String> sign(String directory, String name, String serial) {
        return List.of("x509", "-req", "-sha256", "-days", "365", "-CA", directory + "/example.com.crt",
                "-CAkey", directory + "/example.com.key", "-set_serial", serial,
                "-in", directory + "/" + name + ".csr", "-out", directory + "/" + name + ".crt");
    }

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

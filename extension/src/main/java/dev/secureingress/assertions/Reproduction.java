package dev.secureingress.assertions;

import dev.secureingress.client.CurlCommand;

import java.io.UncheckedIOException;

/** The "reproduce with: curl ..." line that ends failure messages. */
final class Reproduction {

    private Reproduction() {
    }

    /** The curl line, with its PEM files written first when the client has a directory for them. */
    static String of(CurlCommand curl) {
        if (curl.filesDirectory().isEmpty()) {
            return "\nreproduce with: " + curl.commandLine()
                    + "\n  (the certificate files are not written: set IngressClient.builder().curlFilesDirectory(dir)"
                    + " or call curl().withFilesIn(dir).writeFiles())";
        }
        try {
            curl.writeFiles();
            return "\nreproduce with: " + curl.commandLine();
        } catch (UncheckedIOException | IllegalStateException e) {
            return "\nreproduce with: " + curl.commandLine() + "\n  (writing its files failed: " + e.getMessage() + ")";
        }
    }
}

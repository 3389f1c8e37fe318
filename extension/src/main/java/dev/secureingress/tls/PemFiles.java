package dev.secureingress.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.util.Set;

/**
 * Writes PEM files. Private key files are created readable and writable by their owner only
 * ({@code rw-------}), before any key material goes into them.
 */
public final class PemFiles {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private PemFiles() {
    }

    /** Writes public PEM text (certificates), replacing the file; parent directories are created. */
    public static Path writePublic(Path file, String pem) {
        try {
            createParent(file);
            return Files.writeString(file, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
    }

    /** Writes a private key as PKCS#8 PEM into a new owner-only file, replacing any previous file. */
    public static Path writePrivateKey(Path file, PrivateKey key) {
        try {
            createParent(file);
            Files.deleteIfExists(file);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(file);
                restrictToOwner(file);
            }
            Files.writeString(file, Pem.encode(key), StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the private key file " + file, e);
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        var asFile = file.toFile();
        boolean restricted = asFile.setReadable(false, false) && asFile.setReadable(true, true)
                && asFile.setWritable(false, false) && asFile.setWritable(true, true);
        if (!restricted) {
            throw new IOException("Could not restrict " + file + " to its owner");
        }
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}

package dev.secureingress.junit;

import dev.secureingress.ingress.IngressDiagnostics;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * On a failure: writes the dump of every namespace the class touched (see {@link IngressDiagnostics}, plus
 * the backend's own extras) and the curl line of the last request into
 * {@code <diagnostics-dir>/<class>/<test>/}, and returns the failure with both referenced in its message.
 */
final class FailureDiagnostics {

    private static final Logger LOG = LoggerFactory.getLogger(FailureDiagnostics.class);

    private FailureDiagnostics() {
    }

    /**
     * @param testName directory name for the failing test or lifecycle phase
     * @return the failure to throw instead: same kind, message extended; aborted tests unchanged
     */
    static Throwable report(SecureIngress ingress, String className, String testName, Throwable failure) {
        if (failure instanceof TestAbortedException) {
            return failure;
        }
        Path directory = uniqueDirectory(ingress.settings().diagnosticsDir().resolve(safe(className)).resolve(safe(testName)));
        StringBuilder appendix = new StringBuilder();
        try {
            Path summary = writeDump(ingress, directory);
            appendix.append("\n  secure-ingress diagnostics: ").append(summary.toAbsolutePath());
        } catch (RuntimeException | IOException e) {
            LOG.warn("Could not write diagnostics to {}", directory, e);
            appendix.append("\n  secure-ingress diagnostics could not be written to ").append(directory.toAbsolutePath())
                    .append(": ").append(e);
        }
        Optional<String> curl = SecureIngress.curlFor(failure, directory);
        curl.ifPresent(line -> {
            Path script = directory.resolve("curl.sh");
            try {
                Files.writeString(script, "#!/bin/sh\n" + line + "\n");
                appendix.append("\n  reproduce the last request: ").append(line).append("\n    (").append(script.toAbsolutePath()).append(')');
            } catch (IOException e) {
                appendix.append("\n  reproduce the last request: ").append(line);
            }
        });
        return withMessage(failure, messageOf(failure) + appendix);
    }

    private static Path writeDump(SecureIngress ingress, Path directory) throws IOException {
        Files.createDirectories(directory);
        Set<String> namespaces = new LinkedHashSet<>();
        namespaces.add(ingress.namespace());
        for (HasMetadata r : ingress.created()) {
            if (r.getMetadata().getNamespace() != null) {
                namespaces.add(r.getMetadata().getNamespace());
            }
        }
        IngressDiagnostics diagnostics = new IngressDiagnostics(ingress.kubernetes());
        StringBuilder index = new StringBuilder("secure-ingress diagnostics for " + ingress + "\n");
        for (String namespace : namespaces) {
            Path nsDir = directory.resolve(namespace);
            Path summary = diagnostics.write(namespace, nsDir);
            try {
                ingress.cluster().writeDiagnostics(namespace, nsDir);
            } catch (RuntimeException e) {
                LOG.warn("Backend diagnostics for {} failed", namespace, e);
            }
            index.append("\n").append(Files.readString(summary));
        }
        Path summary = directory.resolve("summary.txt");
        Files.writeString(summary, index);
        return summary;
    }

    private static String messageOf(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage();
    }

    static Throwable withMessage(Throwable failure, String message) {
        Throwable replacement;
        if (failure instanceof AssertionFailedError afe) {
            replacement = afe.isExpectedDefined() || afe.isActualDefined()
                    ? new AssertionFailedError(message, afe.isExpectedDefined() ? afe.getExpected().getValue() : null,
                    afe.isActualDefined() ? afe.getActual().getValue() : null, afe.getCause())
                    : new AssertionFailedError(message, afe.getCause());
        } else if (failure instanceof AssertionError) {
            replacement = new AssertionError(message, failure.getCause());
        } else {
            return new FailureWithDiagnostics(message, failure);
        }
        replacement.setStackTrace(failure.getStackTrace());
        for (Throwable suppressed : failure.getSuppressed()) {
            replacement.addSuppressed(suppressed);
        }
        return replacement;
    }

    private static Path uniqueDirectory(Path base) {
        Path candidate = base;
        for (int i = 2; Files.exists(candidate); i++) {
            candidate = base.resolveSibling(base.getFileName() + "-" + i);
        }
        return candidate;
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._$-]+", "_");
    }
}

package dev.secureingress.junit;

/**
 * A failure that is not an assertion (a timeout, an I/O error, ...) re-thrown with the paths of its
 * diagnostics appended to its message. The original failure is the cause.
 */
public final class FailureWithDiagnostics extends RuntimeException {
    FailureWithDiagnostics(String message, Throwable cause) {
        super(message, cause);
        setStackTrace(cause.getStackTrace());
    }
}

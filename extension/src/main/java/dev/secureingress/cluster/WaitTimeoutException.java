package dev.secureingress.cluster;

/** A bounded wait ran out; the message names what was awaited and the state last seen. */
public class WaitTimeoutException extends RuntimeException {
    public WaitTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}

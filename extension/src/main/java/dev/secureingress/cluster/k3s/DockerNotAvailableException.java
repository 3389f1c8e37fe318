package dev.secureingress.cluster.k3s;

/**
 * The k3s backend was chosen but Testcontainers finds no Docker engine. The message says so and how to
 * run the same tests on the embedded backend instead.
 */
public class DockerNotAvailableException extends IllegalStateException {

    /** The system property (or JUnit configuration parameter) that selects the backend. */
    public static final String BACKEND_PROPERTY = "secure-ingress.backend";

    public DockerNotAvailableException(Throwable reason) {
        super(message(reason), reason);
    }

    /** The first line of what Testcontainers reported, or a generic reason when it said nothing. */
    static String reasonOf(Throwable reason) {
        return reason == null || reason.getMessage() == null || reason.getMessage().isBlank()
                ? "Testcontainers found no Docker engine" : firstLine(reason.getMessage());
    }

    private static String message(Throwable reason) {
        return "The k3s backend needs a Docker engine, and Testcontainers found none"
                + (reason == null || reason.getMessage() == null ? "" : " (" + firstLine(reason.getMessage()) + ")")
                + ". Start Docker (or point DOCKER_HOST / ~/.testcontainers.properties at one), or run the tests "
                + "without Docker on the in-JVM backend: -D" + BACKEND_PROPERTY + "=embedded"
                + " (or " + BACKEND_PROPERTY + "=embedded in junit-platform.properties); to use an existing cluster: -D"
                + BACKEND_PROPERTY + "=kubeconfig";
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}

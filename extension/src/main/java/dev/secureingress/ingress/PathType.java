package dev.secureingress.ingress;

/** How an HTTPRoute rule matches a request path (Gateway API {@code HTTPPathMatch.type}). */
public enum PathType {
    /** Whole path elements: {@code /status} matches {@code /status} and {@code /status/418}, not {@code /statusx}. */
    PREFIX("PathPrefix"),
    /** The path exactly: {@code /hello} does not match {@code /hello/}. */
    EXACT("Exact");

    private final String apiValue;

    PathType(String apiValue) {
        this.apiValue = apiValue;
    }

    /** The value of {@code HTTPPathMatch.type} in the Gateway API. */
    public String apiValue() {
        return apiValue;
    }
}

package dev.secureingress.embedded.dataplane;

/** How logical listener ports map to bound ports. */
public enum PortPolicy {
    /** Bind the logical port itself when allowed (root), else the logical port plus {@link #OFFSET}. The sandbox. */
    LOGICAL_OR_OFFSET,
    /** Bind a free ephemeral port for every listener port. Tests, which may run in parallel. */
    EPHEMERAL;

    /** Added to a logical port that cannot be bound as it is: 443 becomes 10443. */
    public static final int OFFSET = 10000;
}

package dev.secureingress.tls;

import java.time.Duration;
import java.time.Instant;

/**
 * The window a certificate is valid in. Any window is allowed, including one already over or not yet begun,
 * for tests of expired and not-yet-valid certificates.
 *
 * @param notBefore first instant of validity
 * @param notAfter  last instant of validity
 */
public record Validity(Instant notBefore, Instant notAfter) {

    /** New certificates are valid from one hour ago, so that a cluster whose clock lags slightly accepts them. */
    static final Duration BACKDATE = Duration.ofHours(1);

    /** The seed's {@code -days 365}. */
    static final Duration DEFAULT_LIFETIME = Duration.ofDays(365);

    public Validity {
        if (notBefore == null || notAfter == null) {
            throw new IllegalArgumentException("A validity window needs both notBefore and notAfter");
        }
        if (!notBefore.isBefore(notAfter)) {
            throw new IllegalArgumentException("The validity window starts at " + notBefore + " but ends at "
                    + notAfter + ": notBefore must come before notAfter");
        }
    }

    /** Valid from an hour ago until {@code lifetime} from now. */
    public static Validity forNext(Duration lifetime) {
        Instant now = Instant.now();
        return new Validity(now.minus(BACKDATE), now.plus(lifetime));
    }

    /** Valid from an hour ago for the seed's 365 days. */
    public static Validity standard() {
        return forNext(DEFAULT_LIFETIME);
    }

    /** A window that ended {@code ago} before now (it lasted a day): for expired-certificate tests. */
    public static Validity expired(Duration ago) {
        Instant end = Instant.now().minus(ago);
        return new Validity(end.minus(Duration.ofDays(1)), end);
    }

    /** A window that starts {@code in} from now (it lasts a year): for not-yet-valid tests. */
    public static Validity startingIn(Duration in) {
        Instant start = Instant.now().plus(in);
        return new Validity(start, start.plus(DEFAULT_LIFETIME));
    }
}

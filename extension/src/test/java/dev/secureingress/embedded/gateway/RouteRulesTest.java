package dev.secureingress.embedded.gateway;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouteRulesTest {

    @Test
    void parsesGatewayApiDurations() {
        assertThat(RouteRules.parseDuration("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(RouteRules.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(RouteRules.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(RouteRules.parseDuration("1m30s250ms")).isEqualTo(Duration.ofMillis(90_250));
        assertThat(RouteRules.parseDuration("0s")).as("zero disables the timeout").isNull();
    }

    @Test
    void rejectsWhatIsNotAGatewayApiDuration() {
        assertThatThrownBy(() -> RouteRules.parseDuration("1.5s")).hasMessageContaining("timeouts.request 1.5s");
        assertThatThrownBy(() -> RouteRules.parseDuration("10")).hasMessageContaining("not a Gateway API duration");
        assertThatThrownBy(() -> RouteRules.parseDuration("-1s")).isInstanceOf(IllegalArgumentException.class);
    }
}

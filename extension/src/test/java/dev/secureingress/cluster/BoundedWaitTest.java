package dev.secureingress.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedWaitTest {

    @Test
    void readsUntilTheStateIsReachedAndReturnsIt() {
        AtomicInteger reads = new AtomicInteger();

        Integer reached = BoundedWait.<Integer>forState("the counter to reach 4")
                .atMost(Duration.ofSeconds(30))
                .until(reads::incrementAndGet, count -> count >= 4);

        assertThat(reached).isEqualTo(4);
        assertThat(reads).hasValue(4);
    }

    @Test
    void aTimeoutNamesWhatWasAwaitedAndTheLastStateSeen() {
        AtomicInteger reads = new AtomicInteger();

        assertThatThrownBy(() -> BoundedWait.<Integer>forState("the counter to reach -1")
                .atMost(Duration.ofMillis(300))
                .pollEvery(Duration.ofMillis(20))
                .describedBy(count -> "count " + count)
                .until(reads::incrementAndGet, count -> count < 0))
                .isInstanceOf(WaitTimeoutException.class)
                .hasMessageStartingWith("Timed out after 300 ms waiting for the counter to reach -1; last seen: count ")
                .hasMessageEndingWith("count " + reads.get());
        assertThat(reads.get()).isGreaterThan(1);
    }

    @Test
    void aStateThatNeverAppearsIsReportedNotFound() {
        assertThatThrownBy(() -> BoundedWait.<String>forState("the Secret")
                .atMost(Duration.ofMillis(100))
                .until(() -> null, secret -> true))
                .isInstanceOf(WaitTimeoutException.class)
                .hasMessageEndingWith("last seen: not found");
    }

    @Test
    void aFailingReadIsReportedWithItsCause() {
        IllegalStateException refused = new IllegalStateException("connection refused");

        assertThatThrownBy(() -> BoundedWait.<String>forState("the API server")
                .atMost(Duration.ofMillis(100))
                .until(() -> {
                    throw refused;
                }, state -> true))
                .isInstanceOf(WaitTimeoutException.class)
                .hasMessageEndingWith("last seen: the last read failed: " + refused)
                .hasCause(refused);
    }

    @Test
    void aDeadlineMustBePositive() {
        assertThatThrownBy(() -> BoundedWait.forState("anything").atMost(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout must be positive");
    }

    @Test
    void readsQuicklyFirstThenTwiceAsLongEachTimeUpToTheInterval() {
        var schedule = BoundedWait.<String>forState("a state").pollEvery(Duration.ofMillis(80)).pollSchedule();

        assertThat(schedule.next(1, Duration.ZERO)).isEqualTo(Duration.ofMillis(10));
        assertThat(schedule.next(2, Duration.ofMillis(10))).isEqualTo(Duration.ofMillis(20));
        assertThat(schedule.next(4, Duration.ofMillis(40))).isEqualTo(Duration.ofMillis(80));
        assertThat(schedule.next(5, Duration.ofMillis(80))).isEqualTo(Duration.ofMillis(80));
    }
}

package dev.greenloom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(10)
class DurationsTest {
    @Test
    void negativeTimeoutsCountAsZero() {
        assertEquals(0, Durations.nanos(Duration.ofSeconds(-1)));
    }

    @Test
    void hugeTimeoutsSaturate() {
        assertEquals(Long.MAX_VALUE, Durations.nanos(Duration.ofDays(365L * 1_000_000)));
        assertEquals(Long.MAX_VALUE, Durations.deadline(Duration.ofNanos(Long.MAX_VALUE)));
        assertEquals(Long.MAX_VALUE, Durations.remaining(Long.MAX_VALUE));
    }

    @Test
    void remainingNeverGoesBelowZero() {
        assertEquals(0, Durations.remaining(System.nanoTime() - 1_000));
    }

    @Test
    void nullTimeoutIsRejected() {
        assertThrows(NullPointerException.class, () -> Durations.nanos(null));
    }
}

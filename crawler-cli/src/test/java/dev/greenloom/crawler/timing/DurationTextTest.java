package dev.greenloom.crawler.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DurationTextTest {
    @Test
    void formatsMillisecondsBelowASecondAndSecondsAbove() {
        assertEquals("500 ms", DurationText.format(Duration.ofMillis(500)));
        assertEquals("0 ms", DurationText.format(Duration.ZERO));
        assertEquals("1.5 ms", DurationText.format(Duration.ofNanos(1_500_000)));
        assertEquals("2 s", DurationText.format(Duration.ofSeconds(2)));
        assertEquals("1.25 s", DurationText.format(Duration.ofMillis(1250)));
    }

    @Test
    void secondsHaveThreeDecimalsAndMillisAreFractional() {
        assertEquals("0.502 s", DurationText.seconds(Duration.ofNanos(501_600_000)));
        assertEquals(501.6, DurationText.millis(Duration.ofNanos(501_600_000)), 1e-9);
    }
}

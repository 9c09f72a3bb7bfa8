package dev.greenloom.crawler.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DurationTextTest {
    @ParameterizedTest
    @CsvSource({
        "500ms, 500000000",
        "0.5s, 500000000",
        "2s, 2000000000",
        "1m, 60000000000",
        "' 250 MS ', 250000000",
        "0s, 0",
        "1.5ms, 1500000",
        "0.0000000004s, 0",
    })
    void parsesNumberAndUnit(String text, long nanos) {
        assertEquals(Duration.ofNanos(nanos), DurationText.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "-1s", "5 parsecs", "1.s", ".5s", "1h", "1e3ms", "99999999999999999999m"})
    void rejectsWhatIsNotANonNegativeDurationWithAUnit(String text) {
        assertThrows(IllegalArgumentException.class, () -> DurationText.parse(text));
    }

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

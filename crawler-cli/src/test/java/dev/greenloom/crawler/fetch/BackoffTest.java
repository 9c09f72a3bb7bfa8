package dev.greenloom.crawler.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BackoffTest {
    private static final Instant NOW = Instant.parse("2026-11-24T08:00:00Z");
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void growsExponentiallyWithJitterWithinEachStep() {
        for (int attempt = 0; attempt < 4; attempt++) {
            long step = 100L << attempt;
            for (int i = 0; i < 50; i++) {
                long millis = backoff.delay(attempt, null, NOW).toMillis();
                assertTrue(millis >= step / 2 && millis <= step, attempt + ": " + millis);
            }
        }
    }

    @Test
    void neverExceedsTheCap() {
        assertEquals(Duration.ofSeconds(5), backoff.delay(30, null, NOW));
        assertEquals(Duration.ofSeconds(5), backoff.delay(0, "5", NOW));
    }

    @Test
    void aRetryAfterBeyondTheCapMeansNoRetry() {
        assertNull(backoff.delay(0, "3600", NOW));
        assertNull(backoff.delay(0, "Tue, 24 Nov 2026 09:00:00 GMT", NOW));
    }

    @Test
    void retryAfterInSecondsOrAsAnHttpDate() {
        assertEquals(Duration.ofSeconds(2), backoff.delay(0, "2", NOW));
        assertEquals(Duration.ofSeconds(3), backoff.delay(0, "Tue, 24 Nov 2026 08:00:03 GMT", NOW));
        assertEquals(Duration.ZERO, backoff.delay(0, "Tue, 24 Nov 2026 07:00:00 GMT", NOW), "a date in the past");
    }

    @Test
    void retryAfterInTheObsoleteDateFormsRecipientsMustAccept() {
        // RFC 9110 5.6.7: RFC 850 (two-digit year) and asctime (day padded with a space).
        assertEquals(Duration.ofSeconds(3), backoff.delay(0, "Tuesday, 24-Nov-26 08:00:03 GMT", NOW));
        assertEquals(Duration.ofSeconds(4), backoff.delay(0, "Tue Nov 24 08:00:04 2026", NOW));
        assertEquals(Duration.ZERO, backoff.delay(0, "Sun Nov  6 08:49:37 1994", NOW));
    }

    @Test
    void unreadableRetryAfterFallsBackToBackoff() {
        assertNull(Backoff.parseRetryAfter("soon", NOW));
        assertNull(Backoff.parseRetryAfter("Tue, 24 Nov 2026 08:00:03 GMT\u00e9", NOW));
        assertTrue(backoff.delay(0, "soon", NOW).toMillis() <= 100);
    }
}

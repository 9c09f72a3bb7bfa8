package dev.greenloom.crawler.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ModeRunTest {
    @Test
    void speedupIsTheBaselineTotalOverThisTotal() {
        ModeRun sync = Fixtures.run(Mode.SYNC, 1, 10, 500);
        ModeRun threads = Fixtures.run(Mode.THREADS, 4, 10, 500);
        assertEquals(10.0 / 3, threads.speedupOver(sync), 1e-9);
        assertEquals(1.0, sync.speedupOver(sync), 1e-9);
    }

    @Test
    void failedCountsTasksThatDidNotSucceed() {
        List<Span> spans = List.of(
                new Span(1, Duration.ZERO, Duration.ofMillis(5), true, "200 a"),
                new Span(2, Duration.ZERO, Duration.ofMillis(5), false, "FAILED b"));
        assertEquals(1, new ModeRun(Mode.ASYNC, 2, Duration.ofMillis(5), spans).failed());
    }

    @Test
    void rejectsConcurrencyBelowOneAndSpansEndingBeforeTheyStart() {
        assertThrows(IllegalArgumentException.class, () -> new ModeRun(Mode.SYNC, 0, Duration.ZERO, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new Span(1, Duration.ofMillis(2), Duration.ofMillis(1), true, "x"));
    }
}

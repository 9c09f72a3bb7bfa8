package dev.greenloom.crawler.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SleepWorkloadTest {
    @Test
    void taskSleepsThenReportsItsNumber() {
        SleepWorkload workload = new SleepWorkload(10, Duration.ofMillis(20));
        long start = System.nanoTime();
        assertEquals(new Workload.Outcome(true, "Task 7 done"), workload.run(7));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(20).toNanos());
        assertEquals(10, workload.size());
        assertEquals("10 tasks of 20 ms", workload.description());
    }

    @Test
    void rejectsNoTasksAndNegativeSleeps() {
        assertThrows(IllegalArgumentException.class, () -> new SleepWorkload(0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new SleepWorkload(1, Duration.ofMillis(-1)));
    }
}

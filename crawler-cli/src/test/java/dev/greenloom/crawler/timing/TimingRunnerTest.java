package dev.greenloom.crawler.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.greenloom.runtime.Green;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TimingRunnerTest {
    /** Tasks that sleep a little and record how many of them ran at once at most. */
    private static final class Counting implements Workload {
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        private final int size;

        Counting(int size) {
            this.size = size;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public String description() {
            return size + " counted tasks";
        }

        @Override
        public Outcome run(int task) {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            threads.add(Thread.currentThread().getName());
            try {
                Green.sleep(Duration.ofMillis(20));
            } finally {
                running.decrementAndGet();
            }
            return new Outcome(task % 2 == 1, "task " + task);
        }
    }

    @Test
    void syncRunsTasksOneAfterAnotherInOrder() {
        Counting workload = new Counting(4);
        List<Span> reported = new CopyOnWriteArrayList<>();
        ModeRun run = new TimingRunner(4, 2).run(Mode.SYNC, workload, reported::add);
        assertEquals(1, workload.most.get());
        assertEquals(run.spans(), reported);
        for (int i = 1; i < run.spans().size(); i++) {
            assertTrue(run.spans().get(i).start().compareTo(run.spans().get(i - 1).end()) >= 0);
        }
        assertTrue(run.total().compareTo(Duration.ofMillis(80)) >= 0);
        assertEquals(1, run.concurrency());
        assertEquals(2, run.failed(), "even tasks report failure");
        assertEquals("task 3", run.spans().get(2).outcome());
    }

    @Test
    void asyncStartsEveryTaskAtOnceWithoutALimit() {
        int tasks = 50;
        CountDownLatch allStarted = new CountDownLatch(tasks);
        Workload rendezvous = new Workload() {
            @Override
            public int size() {
                return tasks;
            }

            @Override
            public String description() {
                return "a rendezvous";
            }

            @Override
            public Outcome run(int task) {
                allStarted.countDown();
                try {
                    // Returns only if every task is running at the same time.
                    return new Outcome(allStarted.await(20, TimeUnit.SECONDS), "met");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Outcome(false, "interrupted");
                }
            }
        };
        ModeRun run = new TimingRunner(tasks, 1).run(Mode.ASYNC, rendezvous, span -> { });
        assertEquals(0, run.failed());
        assertEquals(tasks, run.concurrency());
        assertEquals(tasks, run.spans().size());
        assertEquals(List.of(1, 2, 3), run.spans().subList(0, 3).stream().map(Span::task).toList());
    }

    @Test
    void asyncWithALimitRunsThroughAPoolOfThatSize() {
        Counting workload = new Counting(12);
        ModeRun run = new TimingRunner(3, 1).run(Mode.ASYNC, workload, span -> { });
        assertTrue(workload.most.get() <= 3, "at most 3 at once, saw " + workload.most.get());
        assertEquals(3, run.concurrency());
        assertEquals(12, run.spans().size());
        assertTrue(workload.threads.stream().noneMatch(name -> name.startsWith("timing-thread-")));
    }

    @Test
    void threadsModeUsesAFixedPoolOfPlatformThreads() {
        Counting workload = new Counting(8);
        ModeRun run = new TimingRunner(8, 2).run(Mode.THREADS, workload, span -> { });
        assertTrue(workload.most.get() <= 2, "at most 2 at once, saw " + workload.most.get());
        assertTrue(Set.of("timing-thread-1", "timing-thread-2").containsAll(workload.threads), workload.threads.toString());
        assertEquals(2, run.concurrency());
        assertTrue(run.total().compareTo(Duration.ofMillis(80)) >= 0, "4 waves of 20 ms");
    }

    @Test
    void concurrencyNeverExceedsTheTasks() {
        TimingRunner runner = new TimingRunner(64, 4);
        Workload three = new SleepWorkload(3, Duration.ZERO);
        assertEquals(1, runner.concurrency(Mode.SYNC, three));
        assertEquals(3, runner.concurrency(Mode.ASYNC, three));
        assertEquals(3, runner.concurrency(Mode.THREADS, three));
    }

    @Test
    void warmUpRunsEveryModeThroughTheListener() {
        AtomicInteger spans = new AtomicInteger();
        new TimingRunner(3, 2).warmUp(3, span -> spans.incrementAndGet());
        assertEquals(3 * Mode.values().length, spans.get());
    }

    @Test
    void warmUpForManyTasksSpawnsMoreGreenletsUpToALimit() {
        AtomicInteger spans = new AtomicInteger();
        new TimingRunner(10, 2).warmUp(50, span -> spans.incrementAndGet());
        assertEquals(3 * Mode.values().length + 50, spans.get());
        spans.set(0);
        new TimingRunner(10, 2).warmUp(1_000_000, span -> spans.incrementAndGet());
        assertEquals(3 * Mode.values().length + 2_000, spans.get());
    }

    @Test
    void rejectsLimitsBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new TimingRunner(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new TimingRunner(1, 0));
    }
}

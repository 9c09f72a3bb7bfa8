package dev.greenloom.crawler.timing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Hand-made measurements for the report and chart tests. */
final class Fixtures {
    private Fixtures() {
    }

    /** A run of tasks of {@code taskMillis} each: back to back when {@code concurrency} is 1, else in waves. */
    static ModeRun run(Mode mode, int concurrency, int tasks, long taskMillis) {
        List<Span> spans = new ArrayList<>(tasks);
        for (int task = 1; task <= tasks; task++) {
            long start = (task - 1) / concurrency * taskMillis;
            spans.add(new Span(task, Duration.ofMillis(start), Duration.ofMillis(start + taskMillis), true,
                    "Task " + task + " done"));
        }
        long total = (tasks + concurrency - 1) / concurrency * taskMillis;
        return new ModeRun(mode, concurrency, Duration.ofMillis(total), spans);
    }

    /** The seed demo's three runs: 10 tasks of 500 ms sync, async and on 4 threads. */
    static List<ModeRun> seed() {
        return List.of(run(Mode.SYNC, 1, 10, 500), run(Mode.ASYNC, 10, 10, 500), run(Mode.THREADS, 4, 10, 500));
    }
}

package dev.greenloom.bench;

import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.Greenlet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@code count} tasks that each sleep {@value #SLEEP_MILLIS} ms, all started and then all joined.
 * The score is the wall time of one batch; the ideal is {@value #SLEEP_MILLIS} ms.
 *
 * @see PlatformSleepersBenchmark for platform threads, which cannot run this many at once
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SleepersBenchmark {
    static final long SLEEP_MILLIS = 100;
    private static final Duration SLEEP = Duration.ofMillis(SLEEP_MILLIS);

    @Param({"100000", "1000000"})
    public int count;

    @Benchmark
    public void greenloom() {
        List<Greenlet<Void>> jobs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            jobs.add(Green.spawn(() -> Green.sleep(SLEEP)));
        }
        Green.joinAll(jobs);
    }

    @Benchmark
    public void virtualThreads() throws InterruptedException {
        Thread[] threads = new Thread[count];
        for (int i = 0; i < count; i++) {
            threads[i] = Thread.ofVirtual().start(SleepersBenchmark::sleep);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    static void sleep() {
        try {
            Thread.sleep(SLEEP_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.greenloom.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The sleepers of {@link SleepersBenchmark} on platform threads. 100k or 1M platform threads at
 * once are impossible here (the kernel's pid_max is 32768, shared with everything else), so the
 * sleepers go through a fixed pool of {@value #THREADS} threads, {@code count / THREADS} waves of
 * 100 ms each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PlatformSleepersBenchmark {
    static final int THREADS = 2_000;

    @Param({"100000"})
    public int count;

    private ExecutorService pool;

    @Setup
    public void startPool() {
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @TearDown
    public void stopPool() {
        pool.close();
    }

    @Benchmark
    public void platformPool() throws Exception {
        List<Future<?>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            futures.add(pool.submit(SleepersBenchmark::sleep));
        }
        for (Future<?> future : futures) {
            future.get();
        }
    }
}

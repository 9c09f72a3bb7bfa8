package dev.greenloom.bench;

import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.Greenlet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Spawn-and-join of empty tasks, in batches of {@value #TASKS}: all are started, then all are
 * joined. The score is tasks per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(SpawnJoinBenchmark.TASKS)
public class SpawnJoinBenchmark {
    static final int TASKS = 10_000;
    static final Runnable EMPTY = () -> { };

    /** A fixed pool, one platform thread per core; {@link PlatformSpawnJoinBenchmark} starts a thread per task. */
    private ExecutorService platformPool;

    @Setup
    public void startPool() {
        platformPool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    }

    @TearDown
    public void stopPool() {
        platformPool.close();
    }

    @Benchmark
    public void greenloom() {
        List<Greenlet<Void>> jobs = new ArrayList<>(TASKS);
        for (int i = 0; i < TASKS; i++) {
            jobs.add(Green.spawn(EMPTY));
        }
        Green.joinAll(jobs);
    }

    @Benchmark
    public void virtualThreads() throws InterruptedException {
        Thread[] threads = new Thread[TASKS];
        for (int i = 0; i < TASKS; i++) {
            threads[i] = Thread.ofVirtual().start(EMPTY);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    @Benchmark
    public void platformPool() throws Exception {
        List<Future<?>> futures = new ArrayList<>(TASKS);
        for (int i = 0; i < TASKS; i++) {
            futures.add(platformPool.submit(EMPTY));
        }
        for (Future<?> future : futures) {
            future.get();
        }
    }
}

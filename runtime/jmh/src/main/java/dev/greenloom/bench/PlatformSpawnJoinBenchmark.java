package dev.greenloom.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * {@link SpawnJoinBenchmark} with a new platform thread per task, in smaller batches of
 * {@value #TASKS}: an OS thread start costs about as much as a thousand virtual ones.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(PlatformSpawnJoinBenchmark.TASKS)
public class PlatformSpawnJoinBenchmark {
    static final int TASKS = 1_000;

    @Benchmark
    public void platformThreadPerTask() throws InterruptedException {
        Thread[] threads = new Thread[TASKS];
        for (int i = 0; i < TASKS; i++) {
            threads[i] = Thread.ofPlatform().start(SpawnJoinBenchmark.EMPTY);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }
}

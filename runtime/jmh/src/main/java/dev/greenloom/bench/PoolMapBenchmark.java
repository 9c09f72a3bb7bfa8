package dev.greenloom.bench;

import dev.greenloom.runtime.Pool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@value #TASKS} small tasks ({@code x -> x * 2 + 1}) mapped through a pool of {@code size}, results
 * in item order. The score is tasks per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(PoolMapBenchmark.TASKS)
public class PoolMapBenchmark {
    static final int TASKS = 10_000;
    private static final IntUnaryOperator SMALL = x -> x * 2 + 1;
    private static final List<Integer> ITEMS = IntStream.range(0, TASKS).boxed().toList();

    @Param({"64", "1000"})
    public int size;

    private ExecutorService platformPool;

    @Setup
    public void startPool() {
        platformPool = Executors.newFixedThreadPool(size);
    }

    @TearDown
    public void stopPool() {
        platformPool.close();
    }

    @Benchmark
    public List<Integer> greenloom() {
        return new Pool(size).map(SMALL::applyAsInt, ITEMS);
    }

    /**
     * A semaphore of {@code size} permits and a virtual thread per item, as a hand-written pool would
     * be, returning the same list of boxed results as {@code Pool.map}.
     */
    @Benchmark
    public List<Integer> virtualThreads() throws InterruptedException {
        return handWritten();
    }

    /**
     * The hand-written pool of {@link #virtualThreads()} run inside a virtual thread of its own, as
     * {@code Pool.map} does when called from a platform thread: a fair baseline for its per-task cost.
     */
    @Benchmark
    public List<Integer> virtualThreadsSpawnedInVirtual() throws Exception {
        FutureTask<List<Integer>> inVirtual = new FutureTask<>(this::handWritten);
        Thread.ofVirtual().start(inVirtual);
        return inVirtual.get();
    }

    private List<Integer> handWritten() throws InterruptedException {
        Semaphore slots = new Semaphore(size);
        Integer[] results = new Integer[TASKS];
        Thread[] threads = new Thread[TASKS];
        for (int i = 0; i < TASKS; i++) {
            int item = ITEMS.get(i);
            slots.acquire();
            threads[i] = Thread.ofVirtual().start(() -> {
                results[item] = SMALL.applyAsInt(item);
                slots.release();
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return Arrays.asList(results);
    }

    /** A fixed pool of {@code size} platform threads, started once per trial. */
    @Benchmark
    public List<Integer> platformPool() throws Exception {
        List<Future<Integer>> futures = new ArrayList<>(TASKS);
        for (Integer item : ITEMS) {
            futures.add(platformPool.submit(() -> SMALL.applyAsInt(item)));
        }
        List<Integer> results = new ArrayList<>(TASKS);
        for (Future<Integer> future : futures) {
            results.add(future.get());
        }
        return results;
    }
}

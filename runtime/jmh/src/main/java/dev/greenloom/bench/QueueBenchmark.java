package dev.greenloom.bench;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * One producer puts {@value #ITEMS} items into a queue of {@value #MAXSIZE}, one consumer takes
 * them. The score is items per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(QueueBenchmark.ITEMS)
public class QueueBenchmark {
    static final int ITEMS = 100_000;
    static final int MAXSIZE = 1_000;

    @Benchmark
    public void virtualThreads() throws InterruptedException {
        arrayBlockingQueue(Thread.ofVirtual());
    }

    @Benchmark
    public void platformThreads() throws InterruptedException {
        arrayBlockingQueue(Thread.ofPlatform());
    }

    private static void arrayBlockingQueue(Thread.Builder threads) throws InterruptedException {
        ArrayBlockingQueue<Integer> queue = new ArrayBlockingQueue<>(MAXSIZE);
        Pair.run(threads, () -> {
            for (int i = 0; i < ITEMS; i++) {
                queue.put(i);
            }
        }, () -> {
            for (int i = 0; i < ITEMS; i++) {
                queue.take();
            }
        });
    }
}

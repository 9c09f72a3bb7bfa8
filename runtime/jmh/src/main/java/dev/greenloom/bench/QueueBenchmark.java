package dev.greenloom.bench;

import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.Queue;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
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
 * them. The score is items per second. The peers use a {@link LinkedBlockingQueue}, as greenloom's
 * {@link Queue} does underneath, so the difference is greenloom's own cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(QueueBenchmark.ITEMS)
public class QueueBenchmark {
    static final int ITEMS = 100_000;
    static final int MAXSIZE = 1_000;

    @Benchmark
    public void greenloom() {
        Queue<Integer> queue = new Queue<>(MAXSIZE);
        Green.joinAll(List.of(Green.spawn(() -> {
            for (int i = 0; i < ITEMS; i++) {
                queue.put(i);
            }
        }), Green.spawn(() -> {
            for (int i = 0; i < ITEMS; i++) {
                queue.get();
            }
        })));
    }

    @Benchmark
    public void virtualThreads() throws InterruptedException {
        linkedBlockingQueue(Thread.ofVirtual());
    }

    @Benchmark
    public void platformThreads() throws InterruptedException {
        linkedBlockingQueue(Thread.ofPlatform());
    }

    private static void linkedBlockingQueue(Thread.Builder threads) throws InterruptedException {
        LinkedBlockingQueue<Integer> queue = new LinkedBlockingQueue<>(MAXSIZE);
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

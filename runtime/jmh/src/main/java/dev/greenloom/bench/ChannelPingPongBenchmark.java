package dev.greenloom.bench;

import dev.greenloom.runtime.Channel;
import dev.greenloom.runtime.Green;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Two tasks pass a token back and forth {@value #ROUNDS} times through two rendezvous channels
 * (ping, pong). Each hand-off is one switch, two per round; the score is switches per second.
 * The peers use a {@link SynchronousQueue}, the JDK's rendezvous channel: by default a stack, which
 * serves the last of several blocked putters first; {@link #virtualThreadsFirstComeFirstServed} uses
 * its fair mode, which serves them in the order they came, as greenloom's {@link Channel} (and
 * gevent's) does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(2 * ChannelPingPongBenchmark.ROUNDS)
public class ChannelPingPongBenchmark {
    static final int ROUNDS = 100_000;

    @Benchmark
    public void greenloom() {
        Channel<Integer> ping = new Channel<>();
        Channel<Integer> pong = new Channel<>();
        Green.joinAll(List.of(Green.spawn(() -> {
            for (int i = 0; i < ROUNDS; i++) {
                ping.put(i);
                pong.get();
            }
        }), Green.spawn(() -> {
            for (int i = 0; i < ROUNDS; i++) {
                pong.put(ping.get());
            }
        })));
    }

    @Benchmark
    public void virtualThreads() throws InterruptedException {
        synchronousQueues(Thread.ofVirtual(), false);
    }

    @Benchmark
    public void virtualThreadsFirstComeFirstServed() throws InterruptedException {
        synchronousQueues(Thread.ofVirtual(), true);
    }

    @Benchmark
    public void platformThreads() throws InterruptedException {
        synchronousQueues(Thread.ofPlatform(), false);
    }

    private static void synchronousQueues(Thread.Builder threads, boolean fair) throws InterruptedException {
        SynchronousQueue<Integer> ping = new SynchronousQueue<>(fair);
        SynchronousQueue<Integer> pong = new SynchronousQueue<>(fair);
        Pair.run(threads, () -> {
            for (int i = 0; i < ROUNDS; i++) {
                ping.put(i);
                pong.take();
            }
        }, () -> {
            for (int i = 0; i < ROUNDS; i++) {
                pong.put(ping.take());
            }
        });
    }
}

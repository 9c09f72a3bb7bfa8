package dev.greenloom.bench;

import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.Greenlet;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Memory of one parked task: parks {@code count} sleeping greenlets (or raw virtual threads), then
 * prints, as one JSON line, the growth of the live heap (after full GCs) and of the process RSS,
 * divided by {@code count}. Run one JVM per measurement:
 *
 * <pre>{@code java -cp runtime/jmh/target/benchmarks.jar dev.greenloom.bench.ParkedFootprint greenloom 1000000}</pre>
 *
 * The handles (greenlets, threads) are kept in a list, as a program that joins them later would.
 */
public final class ParkedFootprint {
    private static final Duration PARKED = Duration.ofHours(1);
    private static final int WARM_UP_ROUNDS = 5;
    private static final int WARM_UP_TASKS = 20_000;

    private ParkedFootprint() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !(args[0].equals("greenloom") || args[0].equals("virtual"))) {
            System.err.println("usage: ParkedFootprint greenloom|virtual COUNT");
            System.exit(2);
        }
        boolean greenloom = args[0].equals("greenloom");
        int count = Integer.parseInt(args[1]);

        warmUp(greenloom);
        long heapBefore = liveHeap();
        long rssBefore = rss();
        long start = System.nanoTime();
        List<Object> handles = park(greenloom, count, PARKED);
        double seconds = (System.nanoTime() - start) / 1e9;
        long heapAfter = liveHeap();
        long rssAfter = rss();
        System.out.printf("{\"bench\":\"footprint\",\"impl\":\"%s\",\"count\":%d,\"heapBytesPer\":%.0f,"
                        + "\"rssBytesPer\":%.0f,\"rssAfterMiB\":%d,\"parkSeconds\":%.3f}%n",
                greenloom ? "greenloom" : "virtualThreads", handles.size(),
                (heapAfter - heapBefore) / (double) count, (rssAfter - rssBefore) / (double) count,
                rssAfter >> 20, seconds);
        // Every task is parked for an hour; the process ends here, without joining them.
        System.exit(0);
    }

    /**
     * Runs short sleepers until the spawn and sleep paths are JIT-compiled: a parked task's stack
     * holds compiled frames then, as in a program that has been running for a while.
     */
    private static void warmUp(boolean greenloom) throws InterruptedException {
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            List<Object> handles = park(greenloom, WARM_UP_TASKS, Duration.ofMillis(1));
            for (Object handle : handles) {
                if (handle instanceof Greenlet<?> greenlet) {
                    greenlet.join();
                } else {
                    ((Thread) handle).join();
                }
            }
        }
    }

    /** Starts {@code count} sleepers and returns once each has reached its sleep. */
    private static List<Object> park(boolean greenloom, int count, Duration sleep) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(count);
        List<Object> handles = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (greenloom) {
                handles.add(Green.spawn(() -> {
                    started.countDown();
                    Green.sleep(sleep);
                }));
            } else {
                handles.add(Thread.ofVirtual().start(() -> {
                    started.countDown();
                    try {
                        Thread.sleep(sleep);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
        }
        started.await();
        return handles;
    }

    private static long liveHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The resident set size of this process, from /proc/self/status. */
    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}

package dev.greenloom.bench;

import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * greenloom ÷ raw virtual threads, measured in pairs: each round runs one batch of each side back
 * to back (alternating which goes first), in one JVM, so both see the same load from other
 * processes. On a busy 2-core machine JMH's separate runs of each side can differ by 5×; the median
 * of the per-round ratios is far steadier. Each batch also records the CPU time of the whole
 * process per operation (all threads: carriers, GC, JIT), which load from other processes hardly
 * changes (the clock ticks at 10 ms, so CPU is summed over all rounds); {@code cpuRatio} is raw
 * virtual threads' CPU per operation ÷ greenloom's, so, like
 * {@code ratio}, below 1 means greenloom is slower. Prints one JSON line per workload:
 *
 * <pre>{@code java -Xms4g -Xmx4g -XX:+AlwaysPreTouch -cp runtime/jmh/target/benchmarks.jar dev.greenloom.bench.PairedRatio [ROUNDS [WORKLOAD]]}</pre>
 *
 * The fixed, pre-touched heap keeps the kernel's zeroing of fresh heap pages out of the early
 * rounds (it showed as page faults in whichever side allocated first). Batches take milliseconds,
 * so use a few hundred rounds.
 *
 * WORKLOAD (such as {@code pool_map}) runs only the workloads of that name.
 *
 * A workload whose benchmark class has no {@code greenloom} method yet is skipped.
 */
public final class PairedRatio {
    private static final int WARM_UP_ROUNDS = 10;
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** One batch: operations per second of wall time, and the CPU time it took. */
    private record Batch(double rate, long cpuNanos) {
    }

    /**
     * {@code roundsDivisor}: a workload whose batch takes far longer than the others runs ROUNDS ÷
     * this many rounds; {@code baseline}: the method of raw virtual threads it is compared with.
     */
    private record Workload(String name, String param, Object bench, int opsPerBatch, int roundsDivisor, String baseline) {
        Workload(String name, String param, Object bench, int opsPerBatch) {
            this(name, param, bench, opsPerBatch, 1, "virtualThreads");
        }
    }

    private PairedRatio() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        String only = args.length > 1 ? args[1] : null;
        List<Workload> workloads = new ArrayList<>();
        workloads.add(new Workload("spawn_join", "", new SpawnJoinBenchmark(), SpawnJoinBenchmark.TASKS));
        workloads.add(new Workload("ping_pong", "", new ChannelPingPongBenchmark(), 2 * ChannelPingPongBenchmark.ROUNDS));
        workloads.add(new Workload("ping_pong", "fifo", new ChannelPingPongBenchmark(), 2 * ChannelPingPongBenchmark.ROUNDS, 1,
                "virtualThreadsFirstComeFirstServed"));
        workloads.add(new Workload("queue", "", new QueueBenchmark(), QueueBenchmark.ITEMS));
        for (int size : new int[] {64, 1000}) {
            PoolMapBenchmark pool = new PoolMapBenchmark();
            pool.size = size;
            workloads.add(new Workload("pool_map", Integer.toString(size), pool, PoolMapBenchmark.TASKS));
        }
        for (int size : new int[] {64, 1000}) {
            PoolMapBenchmark pool = new PoolMapBenchmark();
            pool.size = size;
            workloads.add(new Workload("pool_map_in_virtual", Integer.toString(size), pool, PoolMapBenchmark.TASKS, 1,
                    "virtualThreadsSpawnedInVirtual"));
        }
        for (int count : new int[] {100_000, 1_000_000}) {
            SleepersBenchmark sleepers = new SleepersBenchmark();
            sleepers.count = count;
            workloads.add(new Workload("sleepers", Integer.toString(count), sleepers, count, count / 10_000, "virtualThreads"));
        }
        for (Workload workload : workloads) {
            Method greenloom = find(workload.bench(), "greenloom");
            if (greenloom != null && (only == null || only.equals(workload.name()))) {
                measure(workload, greenloom, find(workload.bench(), workload.baseline()), Math.max(10, rounds / workload.roundsDivisor()));
            }
        }
    }

    private static Method find(Object bench, String name) {
        try {
            return bench.getClass().getMethod(name);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static void measure(Workload workload, Method greenloom, Method virtual, int rounds) throws Exception {
        double[] greenloomRates = new double[rounds];
        double[] virtualRates = new double[rounds];
        double[] ratios = new double[rounds];
        long greenloomCpu = 0;
        long virtualCpu = 0;
        for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
            boolean greenloomFirst = (round & 1) == 0;
            Batch first = batch(workload, greenloomFirst ? greenloom : virtual);
            Batch second = batch(workload, greenloomFirst ? virtual : greenloom);
            if (round >= 0) {
                Batch g = greenloomFirst ? first : second;
                Batch v = greenloomFirst ? second : first;
                greenloomRates[round] = g.rate();
                virtualRates[round] = v.rate();
                ratios[round] = g.rate() / v.rate();
                greenloomCpu += g.cpuNanos();
                virtualCpu += v.cpuNanos();
            }
        }
        long ops = (long) rounds * workload.opsPerBatch();
        System.out.printf("{\"bench\":\"paired\",\"workload\":\"%s\",\"param\":\"%s\",\"rounds\":%d,"
                        + "\"greenloom\":%.0f,\"virtualThreads\":%.0f,\"ratio\":%.3f,\"ratioP25\":%.3f,\"ratioP75\":%.3f,"
                        + "\"greenloomCpuNsPerOp\":%.0f,\"virtualCpuNsPerOp\":%.0f,\"cpuRatio\":%.3f}%n",
                workload.name(), workload.param(), rounds, median(greenloomRates), median(virtualRates),
                median(ratios), quantile(ratios, 0.25), quantile(ratios, 0.75),
                greenloomCpu / (double) ops, virtualCpu / (double) ops, virtualCpu / (double) greenloomCpu);
    }

    private static Batch batch(Workload workload, Method side) throws Exception {
        long cpu = OS.getProcessCpuTime();
        long start = System.nanoTime();
        try {
            side.invoke(workload.bench());
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        long wall = System.nanoTime() - start;
        int ops = workload.opsPerBatch();
        return new Batch(ops * 1e9 / wall, OS.getProcessCpuTime() - cpu);
    }

    private static double median(double[] values) {
        return quantile(values, 0.5);
    }

    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.round(q * (sorted.length - 1))];
    }
}

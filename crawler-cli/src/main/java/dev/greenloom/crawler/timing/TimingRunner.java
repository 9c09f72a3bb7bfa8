package dev.greenloom.crawler.timing;

import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.Greenlet;
import dev.greenloom.runtime.GreenletExit;
import dev.greenloom.runtime.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Consumer;

/**
 * Runs a {@link Workload} in a {@link Mode} and measures it: the total wall-clock time and each
 * task's start and end on that clock.
 *
 * <p>What each mode's clock includes: {@link Mode#SYNC} calls the tasks in a loop;
 * {@link Mode#ASYNC} spawns every task as a greenlet ({@link Green#spawn}, or through a
 * {@link Pool} when the workload has more tasks than the greenlet limit) and joins them all;
 * {@link Mode#THREADS} submits the tasks to a fixed pool of platform threads whose threads were
 * started before the clock, and waits for all. Call {@link #warmUp} once first, so that class
 * loading, the JIT and the runtime's scheduler do not count against whichever mode runs first.
 *
 * <p>Each mode's clock runs in a greenlet of its own, as gevent's code runs in its main greenlet.
 * Blocking methods throw {@link GreenletExit} if the calling thread is interrupted, with its
 * interrupt status kept; that mode's tasks are then left to end on their own.
 */
public final class TimingRunner {
    private static final int MAX_WARM_UP_GREENLETS = 2_000;
    private final int greenletLimit;
    private final int threads;

    /**
     * @param greenletLimit the most greenlets running at once in {@link Mode#ASYNC}, at least 1
     * @param threads the size of the platform thread pool in {@link Mode#THREADS}, at least 1
     */
    public TimingRunner(int greenletLimit, int threads) {
        if (greenletLimit < 1) {
            throw new IllegalArgumentException("greenletLimit < 1");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads < 1");
        }
        this.greenletLimit = greenletLimit;
        this.threads = threads;
    }

    /**
     * How many tasks of {@code workload} may run at once in {@code mode}: 1, the greenlet limit or
     * the thread count, never more than the tasks.
     */
    public int concurrency(Mode mode, Workload workload) {
        int limit = switch (mode) {
            case SYNC -> 1;
            case ASYNC -> greenletLimit;
            case THREADS -> threads;
        };
        return Math.min(limit, workload.size());
    }

    /**
     * Runs every task of {@code workload} in {@code mode} and returns the measurements. {@code
     * finished} is called with each task's span as soon as it ends, on the thread that ran it (so
     * concurrently in {@link Mode#ASYNC} and {@link Mode#THREADS}); it runs inside the clock, so keep it short.
     *
     * @throws CompletionException if a task or {@code finished} threw
     * @throws GreenletExit if the calling thread is interrupted (interrupt status kept)
     */
    public ModeRun run(Mode mode, Workload workload, Consumer<? super Span> finished) {
        Objects.requireNonNull(mode, "mode == null");
        Objects.requireNonNull(finished, "finished == null");
        workload.reset();
        int concurrency = concurrency(mode, workload);
        // The clock runs in a greenlet, as gevent's main greenlet: its wake-up at the end of a mode is
        // then a virtual thread switch, not the OS rescheduling a parked platform thread.
        Greenlet<ModeRun> clock = Green.spawn(() -> switch (mode) {
            case SYNC -> sync(workload, finished);
            case ASYNC -> async(workload, concurrency, finished);
            case THREADS -> threads(workload, concurrency, finished);
        });
        try {
            return clock.get();
        } catch (CompletionException e) {
            throw e.getCause() instanceof CompletionException cause ? cause : e;
        }
    }

    /**
     * Runs every mode once over 3 tasks of 1 ms, passing their spans to {@code finished} (give it the
     * same formatting as the real run, writing nowhere), so that the greenlet scheduler, the
     * runtime's sleep timer and the code paths of all modes exist and are loaded before a clock
     * starts; then, for a run of many tasks, spawns up to {@value #MAX_WARM_UP_GREENLETS} greenlets
     * more, so that the JIT has compiled the spawn path before thousands of spawns are timed.
     *
     * @param tasks the number of tasks the timed runs will have
     */
    public void warmUp(int tasks, Consumer<? super Span> finished) {
        Workload tiny = new SleepWorkload(3, Duration.ofMillis(1));
        for (Mode mode : Mode.values()) {
            run(mode, tiny, finished);
        }
        if (tasks > tiny.size()) {
            run(Mode.ASYNC, new SleepWorkload(Math.min(tasks, MAX_WARM_UP_GREENLETS), Duration.ofMillis(1)), finished);
        }
    }

    private static ModeRun sync(Workload workload, Consumer<? super Span> finished) {
        List<Span> spans = new ArrayList<>(workload.size());
        long origin = System.nanoTime();
        for (int task = 1; task <= workload.size(); task++) {
            spans.add(measure(workload, task, origin, finished));
        }
        return new ModeRun(Mode.SYNC, 1, elapsed(origin), spans);
    }

    private static ModeRun async(Workload workload, int limit, Consumer<? super Span> finished) {
        Pool pool = limit < workload.size() ? new Pool(limit) : null;
        List<Greenlet<Span>> jobs = new ArrayList<>(workload.size());
        long origin = System.nanoTime();
        for (int task = 1; task <= workload.size(); task++) {
            Callable<Span> job = timed(workload, task, origin, finished);
            jobs.add(pool == null ? Green.spawn(job) : pool.spawn(job));
        }
        Green.joinAll(jobs);
        Duration total = elapsed(origin);
        return new ModeRun(Mode.ASYNC, limit, total, jobs.stream().map(Greenlet::get).toList());
    }

    private static ModeRun threads(Workload workload, int threads, Consumer<? super Span> finished) {
        ThreadPoolExecutor executor = (ThreadPoolExecutor) Executors.newFixedThreadPool(threads,
                Thread.ofPlatform().name("timing-thread-", 1).daemon().factory());
        try {
            executor.prestartAllCoreThreads();
            List<Future<Span>> futures = new ArrayList<>(workload.size());
            long origin = System.nanoTime();
            for (int task = 1; task <= workload.size(); task++) {
                futures.add(executor.submit(timed(workload, task, origin, finished)));
            }
            List<Span> spans = new ArrayList<>(futures.size());
            for (Future<Span> future : futures) {
                spans.add(result(future));
            }
            return new ModeRun(Mode.THREADS, threads, elapsed(origin), spans);
        } finally {
            // Idle workers just exit; after an interrupt of the caller, running tasks are interrupted too.
            executor.shutdownNow();
        }
    }

    private static Span result(Future<Span> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GreenletExit("interrupted while waiting for the platform threads", e);
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        }
    }

    private static Callable<Span> timed(Workload workload, int task, long origin, Consumer<? super Span> finished) {
        return () -> measure(workload, task, origin, finished);
    }

    private static Span measure(Workload workload, int task, long origin, Consumer<? super Span> finished) {
        Duration start = elapsed(origin);
        Workload.Outcome outcome = workload.run(task);
        Span span = new Span(task, start, elapsed(origin), outcome.ok(), outcome.text());
        finished.accept(span);
        return span;
    }

    private static Duration elapsed(long origin) {
        return Duration.ofNanos(System.nanoTime() - origin);
    }
}

package dev.greenloom.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * gevent's module functions over virtual threads: {@code spawn}, {@code joinAll}, {@code sleep},
 * {@code killAll}. Every task gets its own virtual thread, so plain blocking code (sockets, HTTP
 * clients, {@code Thread.sleep}) runs concurrently, as under gevent's monkey-patching.
 *
 * <pre>{@code
 * List<Greenlet<InetAddress>> jobs = hosts.stream()
 *         .map(host -> Green.spawn(() -> InetAddress.getByName(host)))
 *         .toList();
 * Green.joinAll(jobs, Duration.ofSeconds(5));
 * jobs.forEach(job -> System.out.println(job.value()));   // null for a failed lookup
 * }</pre>
 *
 * <p>No method here throws a checked exception. A blocking method whose thread is interrupted (by
 * {@link Greenlet#kill()}) throws {@link GreenletExit} with the interrupt status kept; one whose
 * {@link Timeout} expires throws {@link Timeout.Expired}.
 */
public final class Green {
    private Green() {
    }

    /** Starts {@code task} in a new greenlet, at once. */
    public static <T> Greenlet<T> spawn(Callable<T> task) {
        return new Greenlet<>(task, null).start();
    }

    /** Starts {@code task} in a new greenlet, at once; its value is null. */
    public static Greenlet<Void> spawn(Runnable task) {
        return spawn(callable(task));
    }

    /**
     * Starts {@code task} in a new greenlet after {@code delay} (gevent's {@code spawn_later}). The
     * greenlet is not ready until it has run; killing it before the delay ends it at once, and the
     * task never runs.
     */
    public static <T> Greenlet<T> spawnLater(Duration delay, Callable<T> task) {
        Greenlet<T> greenlet = new Greenlet<>(task, null);
        Timers.schedule(greenlet::start, Durations.nanos(delay));
        return greenlet;
    }

    /** Starts {@code task} in a new greenlet after {@code delay}, as {@link #spawnLater(Duration, Callable)}. */
    public static Greenlet<Void> spawnLater(Duration delay, Runnable task) {
        return spawnLater(delay, callable(task));
    }

    static Callable<Void> callable(Runnable task) {
        Objects.requireNonNull(task, "task == null");
        return () -> {
            task.run();
            return null;
        };
    }

    /**
     * Pauses the calling thread for {@code duration}; {@code Duration.ZERO} just lets other virtual
     * threads run (gevent's {@code sleep(0)}).
     *
     * @throws GreenletExit if the thread is interrupted (killed); its interrupt status is kept
     * @throws Timeout.Expired if a {@link Timeout} of the thread expires
     */
    public static void sleep(Duration duration) {
        long nanos = Durations.nanos(duration);
        try {
            if (nanos == 0) {
                Thread.yield();
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            } else {
                Thread.sleep(Duration.ofNanos(nanos));
            }
        } catch (InterruptedException e) {
            throw Interruption.raise(e);
        }
    }

    /**
     * Waits until every greenlet has finished, whichever way (gevent's {@code joinall}).
     *
     * @return the greenlets, in the order given
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     */
    public static <G extends Greenlet<?>> List<G> joinAll(Collection<G> greenlets) {
        return joinAll(greenlets, Duration.ofNanos(Long.MAX_VALUE));
    }

    /**
     * Waits at most {@code timeout} for all greenlets to finish (gevent's
     * {@code joinall(jobs, timeout=5)}). Greenlets still running at the deadline keep running; kill
     * them with {@link #killAll} if they should not.
     *
     * @return the greenlets that finished, in the order given
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     */
    public static <G extends Greenlet<?>> List<G> joinAll(Collection<G> greenlets, Duration timeout) {
        long deadline = Durations.deadline(timeout);
        List<G> finished = new ArrayList<>(greenlets.size());
        for (G greenlet : greenlets) {
            if (greenlet.ready() || greenlet.join(Duration.ofNanos(Durations.remaining(deadline)))) {
                finished.add(greenlet);
            }
        }
        return finished;
    }

    /**
     * Kills every greenlet and waits until all have finished. All are interrupted first, so they end
     * concurrently.
     *
     * @throws GreenletExit if the calling thread is interrupted while it waits
     */
    public static void killAll(Collection<? extends Greenlet<?>> greenlets) {
        for (Greenlet<?> greenlet : greenlets) {
            greenlet.kill(Duration.ZERO);
        }
        for (Greenlet<?> greenlet : greenlets) {
            greenlet.join();
        }
    }

    /** A snapshot of the greenlets started and not yet finished in this JVM, for debugging. */
    public static List<Greenlet<?>> live() {
        return Live.snapshot();
    }
}

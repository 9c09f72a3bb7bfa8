package dev.greenloom.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

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
 * <p>Unlike gevent's greenlets, which take turns on one thread, greenlets run in parallel on every
 * core. State they share needs Java's usual means (a {@link Queue}, an atomic, a lock), and a
 * check-then-act is a race: gevent's {@code while not tasks.empty(): tasks.get()} can block
 * forever here, when another greenlet takes the last item in between; take with
 * {@link Queue#poll()} and stop on null instead.
 *
 * <p>No method here throws a checked exception. A blocking method whose thread is interrupted (by
 * {@link Greenlet#kill()}) throws {@link GreenletExit} with the interrupt status kept; one whose
 * {@link Timeout} expires throws {@link Timeout.Expired}.
 */
public final class Green {
    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

    private Green() {
    }

    /** Starts {@code task} in a new greenlet, at once. */
    public static <T> Greenlet<T> spawn(Callable<T> task) {
        return new Greenlet<>(task, null, true).start();
    }

    /**
     * Starts {@code task} in a new greenlet, at once; its value is null. A Runnable cannot throw
     * checked exceptions: a task without a value that may, such as gevent's socket handler, is a
     * {@link Callable} ending in {@code return null}:
     * {@code Green.spawn(() -> { handle(socket); return null; })}.
     */
    public static Greenlet<Void> spawn(Runnable task) {
        return new Greenlet<Void>(task, null, true).start();
    }

    /**
     * Starts {@code task} in a new greenlet after {@code delay} (gevent's {@code spawn_later}). The
     * greenlet is not ready until it has run; killing it before the delay ends it at once, and the
     * task never runs.
     */
    public static <T> Greenlet<T> spawnLater(Duration delay, Callable<T> task) {
        return startLater(delay, new Greenlet<>(task, null, false));
    }

    /** Starts {@code task} in a new greenlet after {@code delay}, as {@link #spawnLater(Duration, Callable)}. */
    public static Greenlet<Void> spawnLater(Duration delay, Runnable task) {
        return startLater(delay, new Greenlet<Void>(task, null, false));
    }

    private static <T> Greenlet<T> startLater(Duration delay, Greenlet<T> greenlet) {
        ScheduledFuture<?> start = Timers.schedule(greenlet::start,
                Durations.nanos(delay, "delay"));
        // A kill before the delay ends the greenlet: its timer goes too, instead of keeping the task
        // reachable until the delay is over. (Cancelling a timer that already fired does nothing.)
        greenlet.link(finished -> start.cancel(false));
        return greenlet;
    }

    /**
     * Pauses the calling thread for {@code duration}; {@code Duration.ZERO} just lets other virtual
     * threads run (gevent's {@code sleep(0)}).
     *
     * @throws GreenletExit if the thread is interrupted (killed); its interrupt status is kept
     * @throws Timeout.Expired if a {@link Timeout} of the thread expires
     */
    public static void sleep(Duration duration) {
        try {
            if (Durations.nanos(duration, "duration") == 0) {
                Thread.yield();
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            } else {
                Thread.sleep(duration); // saturates a duration too long for a long of nanoseconds
            }
        } catch (InterruptedException e) {
            throw Interruption.raise(e);
        }
    }

    /**
     * Waits until every greenlet has finished, whichever way (gevent's {@code joinall}). The
     * collection is read once, when the call starts, as in every method here that takes greenlets
     * ({@link #iwait}: when each iteration starts): a greenlet added to it meanwhile is not waited for.
     *
     * @return the greenlets, in the order given
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public static <G extends Greenlet<?>> List<G> joinAll(Collection<? extends G> greenlets) {
        // No deadline to compute and no timed wait per greenlet: this is the hot path of spawn+join.
        List<G> finished = snapshot(greenlets);
        for (G greenlet : finished) {
            greenlet.join();
        }
        return finished;
    }

    /**
     * Waits at most {@code timeout} for all greenlets to finish (gevent's
     * {@code joinall(jobs, timeout=5)}). Greenlets still running at the deadline keep running; kill
     * them with {@link #killAll} if they should not. A failed greenlet counts as finished: read its
     * {@link Greenlet#exception()}, or use {@link #joinAllOrThrow(Collection, Duration)}.
     *
     * @return the greenlets that finished, in the order given
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public static <G extends Greenlet<?>> List<G> joinAll(Collection<? extends G> greenlets, Duration timeout) {
        List<G> given = snapshot(greenlets);
        long deadline = Durations.deadline(timeout);
        List<G> finished = new ArrayList<>(given.size());
        for (G greenlet : given) {
            if (greenlet.await(Durations.remaining(deadline))) {
                finished.add(greenlet);
            }
        }
        return finished;
    }

    /**
     * Waits until every greenlet has finished, or one fails (gevent's
     * {@code joinall(jobs, raise_error=True)}), as {@link #joinAllOrThrow(Collection, Duration)}.
     */
    public static <G extends Greenlet<?>> List<G> joinAllOrThrow(Collection<? extends G> greenlets) {
        return joinAllOrThrow(greenlets, FOREVER);
    }

    /**
     * Waits at most {@code timeout} for all greenlets to finish, throwing as soon as one of them
     * fails, in the order they finish. A killed greenlet counts as failed. The other greenlets keep
     * running either way; kill them with {@link #killAll} if they should not.
     *
     * @return the greenlets that finished (all successfully), in the order given
     * @throws java.util.concurrent.CompletionException wrapping the failure of the first greenlet
     *     that failed
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public static <G extends Greenlet<?>> List<G> joinAllOrThrow(Collection<? extends G> greenlets, Duration timeout) {
        List<G> given = snapshot(greenlets);
        Set<G> done = Collections.newSetFromMap(new IdentityHashMap<>());
        Finishing<G> finishing = new Finishing<>(given, Durations.deadline(timeout));
        try {
            while (finishing.hasNext()) {
                G greenlet = finishing.next();
                Throwable failure = greenlet.exception();
                if (failure != null) {
                    throw new CompletionException(greenlet.name() + " failed: " + failure, failure);
                }
                done.add(greenlet);
            }
        } finally {
            finishing.detach();
        }
        List<G> finished = new ArrayList<>(done.size());
        for (G greenlet : given) {
            if (done.contains(greenlet)) {
                finished.add(greenlet);
            }
        }
        return finished;
    }

    /** Yields the greenlets in the order they finish, as {@link #iwait(Collection, Duration)} without a timeout. */
    public static <G extends Greenlet<?>> Iterable<G> iwait(Collection<? extends G> greenlets) {
        return iwait(greenlets, FOREVER);
    }

    /**
     * Yields the greenlets in the order they finish, whichever way (gevent's {@code iwait}):
     *
     * <pre>{@code
     * for (Greenlet<Page> job : Green.iwait(jobs, Duration.ofSeconds(10))) {
     *     show(job.value());
     * }
     * }</pre>
     *
     * <p>Each iteration starts its own clock: its {@code hasNext()} waits at most until
     * {@code timeout} after the {@code iterator()} call, then returns false, leaving unfinished
     * greenlets running. The collection is read when the iteration starts. A greenlet that appears
     * twice is yielded twice. A loop may stop early, as gevent's {@code wait(jobs, count=1)} does:
     * an iteration dropped before its end leaves nothing on the greenlets still running once its
     * iterator is garbage.
     *
     * <p>{@code hasNext()} throws {@link GreenletExit} if the waiting thread is interrupted (its
     * interrupt status is kept) and {@link Timeout.Expired} if a {@link Timeout} of it expires.
     */
    public static <G extends Greenlet<?>> Iterable<G> iwait(Collection<? extends G> greenlets, Duration timeout) {
        Objects.requireNonNull(greenlets, "greenlets == null");
        Objects.requireNonNull(timeout, "timeout == null");
        return () -> new Finishing<>(snapshot(greenlets), Durations.deadline(timeout));
    }

    /**
     * The iterator behind {@link #iwait}: each greenlet's link hands it to a queue. When the wait
     * times out or is interrupted, or the iterator is dropped before its end (a loop that breaks out
     * after the first greenlet), the links of the greenlets still running are removed, so an iwait
     * or joinAllOrThrow repeated in a loop over long-running greenlets does not pile them up.
     */
    private static final class Finishing<G extends Greenlet<?>> implements Iterator<G> {
        private final LinkedBlockingQueue<G> finished = new LinkedBlockingQueue<>();
        private final long deadline;
        private final Links<G> links;
        private int left;
        private G next;

        Finishing(Collection<? extends G> greenlets, long deadline) {
            this.deadline = deadline;
            this.links = new Links<>(this, finished);
            for (G greenlet : greenlets) {
                left++;
                links.add(greenlet);
            }
        }

        /** Removes the links not run yet; the iteration yields nothing more after a timeout anyway. */
        void detach() {
            links.remove();
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (left == 0) {
                return false;
            }
            try {
                long nanos = Durations.remaining(deadline);
                next = nanos == 0 ? finished.poll() : finished.poll(nanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                detach();
                throw Interruption.raise(e);
            }
            if (next == null) {
                left = 0;
                detach();
                return false;
            }
            if (--left == 0) {
                detach(); // every link ran: nothing to remove, and no reason to queue this iteration later
            }
            return true;
        }

        @Override
        public G next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            G result = next;
            next = null;
            return result;
        }
    }

    /**
     * The links of one {@link Finishing} and the queue they fill, which is all that its greenlets
     * hold: never the iterator itself. If the iterator becomes garbage while some links wait on
     * running greenlets, the cleaner thread removes them.
     */
    private static final class Links<G extends Greenlet<?>> extends Collected {
        private final LinkedBlockingQueue<G> finished;
        /** The links added and not run at once; only read once built, by the iterator or the cleaner. */
        private final List<Link> added = new ArrayList<>();

        /** A link added to {@code greenlet}, and the handle that removes it. */
        private record Link(Greenlet<?> greenlet, Object handle) {
        }

        Links(Finishing<G> iterator, LinkedBlockingQueue<G> finished) {
            super(iterator);
            this.finished = finished;
        }

        void add(G greenlet) {
            Object handle = greenlet.addLink(ended -> finished.add(greenlet));
            if (handle != null) {
                added.add(new Link(greenlet, handle));
            }
        }

        /** Removes the links not run yet, and keeps this reference from being queued. */
        void remove() {
            clear();
            for (Link link : added) {
                link.greenlet().unlink(link.handle());
            }
        }

        @Override
        void undo(Set<Greenlet<?>> toPrune) {
            for (Link link : added) {
                link.greenlet().forgetCallback(link.handle());
                toPrune.add(link.greenlet());
            }
        }
    }

    /**
     * A copy of {@code greenlets} taken at once ({@code toArray}, which a synchronized or concurrent
     * collection makes atomic), so that a wait never iterates a collection that greenlets may add
     * to meanwhile: a kill then waited for greenlets it had not killed, and a timed join threw
     * {@link java.util.ConcurrentModificationException}.
     */
    private static <G extends Greenlet<?>> List<G> snapshot(Collection<? extends G> greenlets) {
        return new ArrayList<>(Objects.requireNonNull(greenlets, "greenlets == null"));
    }

    /**
     * The exception to throw when a blocking call outside greenloom (a JDK queue, a {@code Future},
     * socket I/O on a virtual thread) saw its thread interrupted, so that it behaves like greenloom's
     * own blocking calls: {@link Timeout.Expired} if one of the thread's {@link Timeout}s fired (the
     * interrupt is consumed), also when that Timeout was closed before the catch, as in
     *
     * <pre>{@code
     * try (var timeout = Timeout.start(Duration.ofSeconds(2))) {
     *     reply = replies.take();           // a java.util.concurrent queue
     * } catch (InterruptedException e) {
     *     throw Green.interrupted(e);       // Timeout.Expired after 2 s
     * }
     * }</pre>
     *
     * <p>otherwise {@link GreenletExit} with the interrupt status set.
     *
     * @param cause the exception that reported the interrupt
     */
    public static RuntimeException interrupted(Exception cause) {
        return Interruption.raise(Objects.requireNonNull(cause, "cause == null"));
    }

    /**
     * Kills every greenlet and waits until all have finished. All are interrupted first, so they end
     * concurrently.
     *
     * @throws GreenletExit if the calling thread is interrupted while it waits
     * @throws Timeout.Expired if a {@link Timeout} of the calling thread expires while it waits (the kill stands)
     */
    public static void killAll(Collection<? extends Greenlet<?>> greenlets) {
        killAll(greenlets, FOREVER);
    }

    /**
     * Kills every greenlet as {@link #killAll(Collection)} does, waiting at most {@code timeout} for
     * them to end (gevent's {@code killall(greenlets, timeout=...)}); {@code Duration.ZERO} does not
     * wait (gevent's {@code block=False}). Greenlets that ignore interrupts may still run after it.
     *
     * @return true if every greenlet has finished and its linked callbacks ran
     * @throws GreenletExit if the killing thread is interrupted while it waits
     * @throws Timeout.Expired if a {@link Timeout} of the killing thread expires while it waits (the kill stands)
     */
    public static boolean killAll(Collection<? extends Greenlet<?>> greenlets, Duration timeout) {
        List<Greenlet<?>> given = snapshot(greenlets);
        long deadline = Durations.deadline(timeout); // a null timeout throws before any kill
        for (Greenlet<?> greenlet : given) {
            greenlet.requestKill();
        }
        for (Greenlet<?> greenlet : given) {
            if (!greenlet.await(Durations.remaining(deadline))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs {@code task} on the calling thread under a {@link Timeout} of {@code timeout} and returns
     * its value, or {@code fallback} if the timeout fired and the task ended by throwing (gevent's
     * {@code with_timeout(seconds, func, timeout_value=...)}). A task that returns normally keeps its
     * value even if the deadline passed meanwhile. No interrupt of this timeout is left behind.
     * Code that ignores interrupts is not stopped, socket I/O on a platform thread such as
     * {@code main} included: call this in a greenlet for such I/O (see {@link Timeout}).
     *
     * @throws GreenletExit if the calling greenlet is killed (a kill wins over the timeout; interrupt
     *     status kept)
     * @throws Timeout.Expired if an enclosing {@link Timeout} expired first
     * @throws java.util.concurrent.CompletionException wrapping a checked exception of the task; its
     *     unchecked exceptions pass through as they are
     */
    public static <T> T withTimeout(Duration timeout, Callable<T> task, T fallback) {
        return runTimed(timeout, task, fallback, false);
    }

    /**
     * Runs {@code task} as {@link #withTimeout(Duration, Callable, Object)} does, but throws when the
     * timeout fires instead of returning a fallback (gevent's {@code with_timeout(seconds, func)}
     * without {@code timeout_value}):
     *
     * <pre>{@code
     * try {
     *     page = Green.withTimeout(Duration.ofSeconds(2), () -> fetch(url));
     * } catch (Timeout.Expired e) {
     *     ...
     * }
     * }</pre>
     *
     * @throws Timeout.Expired if the timeout fired and the task ended by throwing; its
     *     {@link Timeout.Expired#timeout()} is this call's, and what a JDK call threw for the
     *     interrupt (an {@code InterruptedException}, a {@code SocketException}) is its cause. The
     *     calling thread's interrupt status is clear. Also thrown, naming that one, if an enclosing
     *     Timeout expired first.
     * @throws GreenletExit if the calling greenlet is killed (interrupt status kept)
     * @throws java.util.concurrent.CompletionException wrapping a checked exception of the task; its
     *     unchecked exceptions pass through as they are
     */
    public static <T> T withTimeout(Duration timeout, Callable<T> task) {
        return runTimed(timeout, task, null, true);
    }

    /**
     * Runs {@code task} as {@link #withTimeout(Duration, Callable)} does, for a task with no value:
     * {@code Green.withTimeout(Duration.ofSeconds(1), () -> Green.sleep(Duration.ofSeconds(2)))}
     * throws {@link Timeout.Expired}.
     */
    public static void withTimeout(Duration timeout, Runnable task) {
        Objects.requireNonNull(task, "task == null");
        runTimed(timeout, () -> {
            task.run();
            return null;
        }, null, true);
    }

    /** The body of the withTimeout methods: on expiry, returns {@code fallback}, or throws if {@code raise}. */
    private static <T> T runTimed(Duration timeout, Callable<T> task, T fallback, boolean raise) {
        Objects.requireNonNull(task, "task == null");
        Timeout deadline = Timeout.start(timeout);
        boolean fired;
        T result = null;
        Exception failure = null;
        try {
            result = task.call();
        } catch (Exception e) {
            failure = e;
        } finally {
            fired = deadline.closeFired();
        }
        if (failure == null) {
            return result;
        }
        boolean outerExpired = failure instanceof Timeout.Expired expired
                && expired.timeout() != null && expired.timeout() != deadline;
        if (fired && !outerExpired && !Interruption.killed()) {
            if (!raise) {
                return fallback;
            }
            if (failure instanceof Timeout.Expired expired && expired.timeout() == deadline) {
                throw expired;
            }
            Timeout.Expired expired = deadline.expired();
            expired.initCause(failure);
            throw expired;
        }
        throw Interruption.unchecked(failure);
    }

    /**
     * Opens a {@link Scope} whose children fail independently: a failure is data, read from the
     * child. Closing the scope kills and awaits the children still running.
     */
    public static Scope scope() {
        return new Scope(Scope.Mode.INDEPENDENT);
    }

    /** Opens a {@link Scope} of the given mode; {@link Scope.Mode#FAIL_FAST} kills all children when one fails. */
    public static Scope scope(Scope.Mode mode) {
        return new Scope(Objects.requireNonNull(mode, "mode == null"));
    }

    /**
     * A snapshot of the greenlets started and not yet finished in this JVM, newest first, for
     * debugging: its {@code size()} is the count, {@link Greenlet#name()} and
     * {@link Greenlet#toString()} name them.
     */
    public static List<Greenlet<?>> live() {
        List<Greenlet<?>> live = Greenlet.LIVE.running();
        live.addAll(Group.allRunning());
        live.sort((a, b) -> Long.compare(b.serial(), a.serial()));
        return List.copyOf(live);
    }
}

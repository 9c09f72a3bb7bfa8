package dev.greenloom.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A structured group of greenlets that none outlives: closing the scope kills the children still
 * running and waits until all have ended. Beyond gevent; built on plain virtual threads (no preview
 * API).
 *
 * <pre>{@code
 * try (Scope scope = Green.scope(Scope.Mode.FAIL_FAST)) {
 *     Greenlet<User> user = scope.spawn(() -> findUser(id));
 *     Greenlet<List<Order>> orders = scope.spawn(() -> findOrders(id));
 *     scope.join();                      // throws if either failed; the other was killed
 *     return new Page(user.get(), orders.get());
 * }
 * }</pre>
 *
 * <p>In {@link Mode#INDEPENDENT} mode a child's failure is data, read from the child. In
 * {@link Mode#FAIL_FAST} mode the first child to fail kills its siblings, greenlets spawned
 * afterwards never run, and {@link #join()} throws that failure.
 *
 * <p>The children are the greenlets spawned with this scope's {@link #spawn} only: one that a child
 * starts with {@link Green#spawn} or in a {@link Pool} belongs to no scope and may outlive this one
 * (spawn it into this scope, or into a scope the child opens).
 *
 * <p>Any thread, children included, may {@link #spawn} into the scope; only the thread that opened
 * it may {@link #join()} or {@link #close()} it (a child waiting for its own scope would wait for
 * itself). Memory consistency effects: the children's actions happen-before the return of
 * a {@link #join()} or {@link #close()} that waited for them.
 */
public final class Scope implements AutoCloseable {
    /** What one child's failure does to its siblings. */
    public enum Mode {
        /** Nothing: the siblings keep running; the failure is read from the child. */
        INDEPENDENT,
        /** The siblings are killed and {@link #join()} throws the failure. */
        FAIL_FAST
    }

    private final Thread owner = Thread.currentThread();
    private final Mode mode;
    private final Members members = new Members(this);
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private volatile boolean closed;

    Scope(Mode mode) {
        this.mode = mode;
    }

    /** This scope's failure mode. */
    public Mode mode() {
        return mode;
    }

    /**
     * Spawns {@code task} in a child greenlet of this scope. In a {@link Mode#FAIL_FAST} scope that
     * already failed, the child is killed before it starts.
     *
     * @throws IllegalStateException if the scope is closed (or closing)
     */
    public <T> Greenlet<T> spawn(Callable<T> task) {
        return admit(new Greenlet<>(task, members, false));
    }

    /** Spawns {@code task} in a child greenlet of this scope, as {@link #spawn(Callable)}; its value is null. */
    public Greenlet<Void> spawn(Runnable task) {
        return admit(new Greenlet<>(task, members, false));
    }

    private <T> Greenlet<T> admit(Greenlet<T> child) {
        members.adopt(child);
        // Adopt first, then look: close() and a failing sibling set their flag first, then kill what they see.
        if (closed) {
            child.requestKill();
            throw new IllegalStateException("scope closed");
        }
        if (firstFailure.get() != null) {
            child.requestKill();
        }
        return child.start();
    }

    /** The children still running. */
    public List<Greenlet<?>> greenlets() {
        return members.greenlets();
    }

    /**
     * Waits until every child has ended, including children spawned meanwhile.
     *
     * @throws CompletionException in {@link Mode#FAIL_FAST} mode, wrapping the first child failure
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept); the
     *     children keep running until {@link #close()}
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     * @throws WrongThreadException if called by another thread than the one that opened the scope
     */
    public void join() {
        checkOwner();
        members.join();
        throwIfFailed();
    }

    /**
     * Waits at most {@code timeout} until every child has ended.
     *
     * @return true if all ended, false if the timeout elapsed first (the children keep running)
     * @throws CompletionException in {@link Mode#FAIL_FAST} mode, wrapping the first child failure,
     *     once all children ended
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     * @throws WrongThreadException if called by another thread than the one that opened the scope
     */
    public boolean join(Duration timeout) {
        checkOwner();
        boolean all = members.join(timeout);
        if (all) {
            throwIfFailed();
        }
        return all;
    }

    private void checkOwner() {
        if (Thread.currentThread() != owner) {
            throw new WrongThreadException("only the thread that opened the scope may join or close it");
        }
    }

    private void throwIfFailed() {
        Throwable failure = firstFailure.get();
        if (failure != null) {
            throw new CompletionException("a child of the scope failed: " + failure, failure);
        }
    }

    /**
     * Closes the scope: later spawns throw, children still running are killed (interrupted), and
     * close returns once every child has ended and run its link callbacks. It never reports child failures (call
     * {@link #join()} first for those). It keeps waiting when the closing thread is interrupted,
     * and returns with the interrupt status set; a child that ignores interrupts delays it. Closing
     * again does nothing.
     *
     * @throws WrongThreadException if called by another thread than the one that opened the scope
     *     (the scope stays open); the only exception close throws
     */
    @Override
    public void close() {
        checkOwner();
        closed = true;
        for (List<Greenlet<?>> left = members.unfinished(); !left.isEmpty(); left = members.unfinished()) {
            for (Greenlet<?> child : left) {
                child.requestKill();
            }
            for (Greenlet<?> child : left) {
                child.awaitUninterruptibly();
            }
        }
    }

    private void ended(Greenlet<?> child) {
        Throwable failure = child.failure();
        if (mode == Mode.FAIL_FAST && failure != null && !closed && firstFailure.compareAndSet(null, failure)) {
            for (Greenlet<?> sibling : members.greenlets()) {
                sibling.requestKill();
            }
        }
    }

    @Override
    public String toString() {
        return "Scope[" + mode + ", " + members.size() + " running" + (closed ? ", closed" : "") + "]";
    }

    /** The scope's bookkeeping: a group that tells the scope when a child ends. */
    static final class Members extends Group {
        private final Scope scope;

        Members(Scope scope) {
            this.scope = scope;
        }

        @Override
        void discard(Greenlet<?> greenlet) {
            super.discard(greenlet);
            scope.ended(greenlet);
        }
    }
}

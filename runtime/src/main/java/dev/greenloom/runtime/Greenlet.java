package dev.greenloom.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * A handle on one task running in its own virtual thread: gevent's {@code Greenlet}. Create one
 * with {@link Green#spawn(Callable)}, {@link Pool#spawn(Callable)}, {@link Group#spawn(Callable)}
 * or {@link Scope#spawn(Callable)}.
 *
 * <p>A greenlet ends in exactly one of three ways: it returns a value ({@link #successful()}), it
 * throws ({@link #exception()} returns the throwable), or it is killed ({@link #exception()} returns
 * a {@link GreenletExit}). A child's failure is data for the parent, never thrown at it, until
 * the parent asks with {@link #get()}.
 *
 * <p>Thread safety: every method may be called from any thread. Memory consistency effects: actions
 * of the greenlet's task happen-before a {@link #join()}, {@link #get()}, {@link #value()} or
 * {@link #ready()} that observes it finished, and before its linked callbacks run, whose actions
 * happen-before the return of a {@link #join()} or {@link #get()} that waited for them.
 *
 * @param <T> the value the task returns ({@link Void} for a {@link Runnable})
 */
public final class Greenlet<T> extends Outcome<T> {
    private static final ThreadFactory VIRTUAL = Thread.ofVirtual().factory();
    /** Finished greenlets the live chain may keep linked beyond the ratio of the running ones (see {@link Chain}). */
    private static final int LIVE_PRUNE_SLACK = 1024;
    /**
     * The greenlets started in this JVM that belong to no group, newest first, finished ones pruned
     * lazily; with the members of every {@link Group group}, they make {@link Green#live()}.
     */
    static final Chain LIVE = new Chain(LIVE_PRUNE_SLACK);
    private static final VarHandle FLAGS, THREAD;
    /**
     * Bits of {@link #flags}: the start is claimed (by start() or by a kill before it); a kill was
     * requested; a kill is interrupting the thread right now (finish() waits until it is done, so
     * that no interrupt reaches the links); the creator claimed the start when it created the
     * greenlet and calls start() once, so start() needs no atomic claim (a kill before that start
     * interrupts the unstarted thread, and run() ends the greenlet killed at once).
     */
    private static final int STARTED = 1, KILLED = 2, INTERRUPTING = 4, STARTS_NOW = 8;
    /** How long the class initializer waits for the scheduler's warm-up (see {@link #warmScheduler}). */
    private static final Duration WARM_UP_WAIT = Duration.ofMillis(100);

    static {
        try {
            FLAGS = MethodHandles.lookup().findVarHandle(Greenlet.class, "flags", int.class);
            THREAD = MethodHandles.lookup().findVarHandle(Greenlet.class, "thread", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        warmScheduler();
    }

    /** The virtual thread's id: unique, and growing with each thread created. */
    private final long id;
    private final Group owner;
    /** A {@link Callable}, or a {@link Runnable} if {@link #runnable}; null once running. */
    private Object task;
    private final boolean runnable;
    /** The virtual thread, created with the greenlet, until the outcome is settled; then null. */
    private volatile Thread thread;
    private volatile int flags;
    /** The next older greenlet in the {@link Chain} that holds this one: its owner's members, else {@link #LIVE}. */
    Greenlet<?> next;

    /**
     * A greenlet of {@code owner} (null: none). If {@code startsNow}, the caller must call
     * {@link #start()} once, right after publishing it (no kill can stop that start); otherwise the
     * first of start() and a kill wins.
     */
    Greenlet(Callable<T> task, Group owner, boolean startsNow) {
        this(task, false, owner, startsNow);
    }

    /** A greenlet whose value is null, as {@link #Greenlet(Callable, Group, boolean)}; the Runnable runs as it is, no adapter allocated per spawn. */
    Greenlet(Runnable task, Group owner, boolean startsNow) {
        this(task, true, owner, startsNow);
    }

    /** Creates the greenlet and its unstarted virtual thread, whose id names it (no counter of our own per spawn). */
    private Greenlet(Object task, boolean runnable, Group owner, boolean startsNow) {
        this.task = Objects.requireNonNull(task, "task == null");
        this.runnable = runnable;
        this.owner = owner;
        if (startsNow) {
            FLAGS.set(this, STARTED | STARTS_NOW);
        }
        Body body = new Body(this);
        Thread virtual = VIRTUAL.newThread(body);
        virtual.setUncaughtExceptionHandler(body);
        this.id = virtual.threadId();
        // A plain store: the greenlet is published later, by a chain's CAS or by the spawn returning.
        THREAD.set(this, virtual);
    }

    /**
     * Starts the greenlet's virtual thread now, unless it was started or killed before (for one not
     * created to start now). If no thread can be started (out of memory), the greenlet ends with
     * that error, which is rethrown.
     */
    Greenlet<T> start() {
        if ((flags & STARTS_NOW) != 0 || ((int) FLAGS.getAndBitwiseOr(this, STARTED) & STARTED) == 0) {
            try {
                if (owner == null) {
                    LIVE.add(this, id);
                }
                thread.start();
            } catch (RuntimeException | Error e) {
                finish(null, e);
                throw e;
            }
        }
        return this;
    }

    /**
     * The greenlet running the calling code, or null when called outside any greenlet (and from its
     * link callbacks, which run after it finished). A greenlet that replaces its thread's uncaught
     * exception handler is no longer found here.
     */
    public static Greenlet<?> current() {
        Greenlet<?> own = ofCurrentThread();
        return own != null && !own.ready() ? own : null;
    }

    /** The greenlet whose virtual thread this is, finished or not; null on any other thread. */
    private static Greenlet<?> ofCurrentThread() {
        return Thread.currentThread().getUncaughtExceptionHandler() instanceof Body body ? body.greenlet() : null;
    }

    /**
     * The virtual thread's task, also installed as the thread's uncaught exception handler: that
     * per-thread field is how {@link #current()} finds the greenlet, with no map updated per spawn.
     * Uncaught exceptions (from link callbacks) go where they would go without it, under the
     * greenlet's name: the thread itself is unnamed, which costs nothing per spawn.
     */
    private record Body(Greenlet<?> greenlet) implements Runnable, Thread.UncaughtExceptionHandler {
        @Override
        public void run() {
            greenlet.run();
        }

        @Override
        public void uncaughtException(Thread thread, Throwable failure) {
            if (thread.getName().isEmpty()) {
                thread.setName(greenlet.name()); // 'Exception in thread "greenlet-7"', not 'in thread ""'
            }
            thread.getThreadGroup().uncaughtException(thread, failure);
        }
    }

    /** This greenlet's number: unique in this JVM, growing with each greenlet created. */
    long serial() {
        return id;
    }

    /**
     * A name for logs and debugging, unique in this JVM: {@code greenlet-<n>}, where {@code n} is
     * the {@link Thread#threadId() id} of its virtual thread, the {@code #n} of that thread in a
     * thread dump ({@code jcmd PID Thread.dump_to_file FILE}; jstack lists no virtual threads). The
     * thread itself is unnamed.
     */
    public String name() {
        return "greenlet-" + id;
    }

    @Override
    String describe() {
        return name();
    }

    /**
     * Waits until the greenlet has finished, whichever way; never throws the greenlet's failure.
     *
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public void join() {
        await(-1);
    }

    /**
     * Waits at most {@code timeout} for the greenlet to finish.
     *
     * @return true if it finished and its {@link #link linked} callbacks ran, false if the timeout
     *     elapsed first (like {@link Thread#join(Duration)})
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public boolean join(Duration timeout) {
        return await(Durations.nanos(timeout));
    }

    /**
     * Kills the greenlet and waits until it has finished: its thread is interrupted, so a greenlet
     * sleeping, waiting or blocked on a socket ends promptly, with a {@link GreenletExit} as its
     * {@link #exception()}, even if its task swallows the interrupt and returns normally (as
     * {@code Future.cancel(true)}). A greenlet not yet started never runs. Killing a finished
     * greenlet does nothing.
     * Code that ignores interrupts (a busy loop, a native DNS lookup) delays the end.
     *
     * @throws GreenletExit if the killing thread is interrupted while it waits
     * @throws Timeout.Expired if a {@link Timeout} of the killing thread expires while it waits (the kill stands)
     */
    public void kill() {
        requestKill();
        join();
    }

    /**
     * Kills the greenlet as {@link #kill()} does, waiting at most {@code timeout} for it to end;
     * {@code Duration.ZERO} does not wait.
     *
     * @return true if the greenlet has finished and its linked callbacks ran
     * @throws GreenletExit if the killing thread is interrupted while it waits
     * @throws Timeout.Expired if a {@link Timeout} of the killing thread expires while it waits (the kill stands)
     */
    public boolean kill(Duration timeout) {
        long nanos = Durations.nanos(timeout); // a null timeout throws before the kill
        requestKill();
        return await(nanos);
    }

    boolean killRequested() {
        return (flags & KILLED) != 0;
    }

    /** Marks the greenlet killed and interrupts it if it runs; ends it here if it never started. Does not wait. */
    void requestKill() {
        int seen = (int) FLAGS.getAndBitwiseOr(this, STARTED | KILLED);
        if ((seen & STARTED) == 0) {
            finish(null, new GreenletExit(name() + " killed before it started"));
            return;
        }
        // One killer at a time interrupts (the others' kill is the same one), and only while not ready:
        // finish() releases, then waits out INTERRUPTING, so no interrupt reaches the links.
        seen |= STARTED | KILLED;
        while ((seen & INTERRUPTING) == 0) {
            int witness = (int) FLAGS.compareAndExchange(this, seen, seen | INTERRUPTING);
            if (witness == seen) {
                try {
                    Thread running = thread;
                    if (running != null && !ready()) {
                        running.interrupt();
                    }
                } finally {
                    FLAGS.getAndBitwiseAnd(this, ~INTERRUPTING);
                }
                return;
            }
            seen = witness;
        }
    }

    /**
     * Calls {@code callback} with this greenlet once it has finished, whichever way (gevent's
     * {@code link}). Callbacks run in registration order on the greenlet's own thread, with its
     * interrupt status clear and {@link #ready()} true; as in gevent, {@link #join()}, {@link #get()},
     * {@link Green#joinAll(java.util.Collection)} (timed or not) and {@link Group#join()} return once
     * the callbacks linked before the greenlet finished have run (called from a callback, they do not
     * wait for other greenlets' callbacks); meanwhile a timed join returns false, and a kill or a
     * {@link Timeout} of the waiting thread ends the wait as any other. A greenlet killed before it
     * started runs them on the killing thread, and those waits do not wait for them. If the greenlet
     * has already finished, the callback runs at once on the calling thread. A callback that throws
     * does not change the greenlet's outcome or stop other callbacks: its exception goes to the
     * thread's uncaught exception handler (and what that throws is ignored, as the JVM ignores it).
     * Callbacks should be short; they cannot be removed.
     *
     * <p>Unlike gevent's, whose join goes on once a callback blocks, a callback here must not wait for
     * something that a joiner of this greenlet does only after its join returns (a bounded queue that
     * the joiner drains after {@code pool.join()}): the two would wait for each other until a timeout
     * or a kill of the joiner.
     */
    public void link(Consumer<? super Greenlet<T>> callback) {
        addLink(callback);
    }

    /** As {@link #link}; returns a handle for {@link #unlink}, or null if the callback ran already (this greenlet had finished). */
    Object addLink(Consumer<? super Greenlet<T>> callback) {
        Objects.requireNonNull(callback, "callback == null");
        Object handle = addCallback(callback);
        if (handle == null) {
            runLink(callback);
        }
        return handle;
    }

    /** Drops a callback of {@link #addLink} that has not run yet; it may still run if this greenlet is finishing right now. */
    void unlink(Object handle) {
        removeCallback(handle);
    }

    /**
     * Starts the virtual-thread scheduler and its first carrier now, once, so that the first greenlets
     * of a JVM do not pay for it: the first one bore it, and the second, spawned after it on a second
     * carrier, began first in 3–45 % of fresh JVMs, by load (gevent's test1/test2 printed 2 before 1);
     * now in none of 180, and in about 1.5–2 % of warm runs, where two carriers race. Runs no code of
     * this class on the other thread, which would wait for this class's initialization.
     *
     * <p>A virtual thread initializing this class finds the scheduler running, and must not wait: a
     * class initializer pins its carrier, as do the threads waiting for it, and with every carrier so
     * pinned the warm-up thread would never run. For the same reason a platform thread waits only
     * {@link #WARM_UP_WAIT}, and an interrupt ends its wait (the status kept): the warm-up is a head
     * start, not worth a hang.
     */
    private static void warmScheduler() {
        if (Thread.currentThread().isVirtual()) {
            return;
        }
        Thread warm = VIRTUAL.newThread(Thread::yield);
        warm.start();
        try {
            warm.join(WARM_UP_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings("unchecked")
    private void run() {
        if (killRequested()) {
            finish(null, new GreenletExit(name() + " killed before it started"));
            return;
        }
        Object work = task;
        task = null;
        T result = null;
        Throwable thrown = null;
        try {
            if (runnable) {
                ((Runnable) work).run();
            } else {
                result = ((Callable<T>) work).call();
            }
        } catch (Throwable t) {
            thrown = t;
        }
        // A kill decides the outcome, as cancel(true) does a FutureTask's: a task that swallowed the
        // interrupt (a handler catching the IOException of its interrupted socket) still ends killed.
        if (killRequested() ? !(thrown instanceof GreenletExit) : thrown instanceof InterruptedException) {
            // Unkilled, an InterruptedException is a Timeout's (a Thread.sleep in a Timeout block), if one fired.
            thrown = killRequested() ? new GreenletExit(name() + " killed", thrown)
                    : Interruption.raise((InterruptedException) thrown);
            result = null;
        }
        finish(result, thrown);
    }

    /**
     * Records the outcome, visible to waiters before the links run. Called once: on the greenlet's
     * thread, by a kill before start, or by a start that failed (the STARTED flag admits only one).
     */
    @SuppressWarnings("unchecked")
    private void finish(T result, Throwable thrown) {
        settle(result, thrown);
        if (owner != null) {
            owner.discard(this);
        }
        // Links added until now run here; later ones run at once in link(), when ready() is already true.
        // Joins wait for the callbacks only on the greenlet's own thread: on a killer's, they may wait for
        // this greenlet and are not in inCallbacks().
        boolean ownThread = thread == Thread.currentThread();
        List<Object> callbacks = release(ownThread);
        if (ownThread) {
            // No kill interrupts once ready; one already interrupting is waited out (both sides' atomics
            // are full fences, so either the killer sees ready or this sees INTERRUPTING). Clearing
            // after that leaves no interrupt for the callbacks.
            while ((flags & INTERRUPTING) != 0) {
                Thread.yield(); // the killer may need this carrier to finish its interrupt
            }
            Thread.interrupted();
        }
        // No kill needs the thread any more: a finished greenlet that is still referenced keeps
        // about 70 bytes instead of its whole virtual thread (about 330).
        THREAD.setRelease(this, null);
        for (Object callback : callbacks) {
            runLink((Consumer<? super Greenlet<T>>) callback);
        }
        if (ownThread) {
            callbacksDone();
        }
    }

    @Override
    void becameReady() {
        if (owner != null) {
            owner.memberReady();
        }
    }

    /** True when called from link callbacks that a greenlet runs on its own thread once it finished. */
    static boolean inCallbacks() {
        Greenlet<?> own = ofCurrentThread();
        return own != null && own.ready();
    }

    private void runLink(Consumer<? super Greenlet<T>> callback) {
        try {
            callback.accept(this);
        } catch (RuntimeException | Error e) {
            Thread current = Thread.currentThread();
            try {
                current.getUncaughtExceptionHandler().uncaughtException(current, e);
            } catch (RuntimeException | Error ignored) {
                // What a handler throws is ignored, as the JVM ignores it for an uncaught exception.
            }
        }
    }

    @Override
    public String toString() {
        Throwable failure = exception();
        String state = !ready() ? ((flags & STARTED) == 0 ? "scheduled" : "running")
                : failure == null ? "ok" : failure instanceof Timeout.Expired ? "timed out"
                : failure instanceof GreenletExit ? "killed" : "failed";
        return name() + "[" + state + "]";
    }
}

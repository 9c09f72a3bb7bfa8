package dev.greenloom.runtime;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An unbounded set of running greenlets that can be joined or killed together, gevent's
 * {@code Group}. A greenlet leaves the group when it finishes. Safe for concurrent use; membership
 * changes happen-before a {@link #join()} that observes the group empty.
 *
 * @see Pool for a group with a size limit
 * @see Scope for a group that no greenlet outlives
 */
public sealed class Group permits Pool, Scope.Members {
    /** Finished members a group may keep linked beyond the ratio of the running ones (see {@link Chain}). */
    private static final int PRUNE_SLACK = 64;

    /** Every group not yet garbage, weakly held: {@link Green#live()} reads their members. */
    private static final Set<WeakReference<Group>> ALL = ConcurrentHashMap.newKeySet();
    private static final ReferenceQueue<Group> COLLECTED = new ReferenceQueue<>();

    /*
     * Members form a Chain through their own field Greenlet.next: adopting is one CAS, and
     * leaving costs nothing at all, with no node allocated, no lock taken and no counter shared with
     * the finishing greenlets (a concurrent set costs a node and two map updates per pooled task).
     * Who is still running is read from the members themselves, so size(), greenlets() and join()
     * walk the chain.
     */
    private final Chain members = new Chain(PRUNE_SLACK);

    /**
     * An empty group, registered for {@link Green#live()} once per group rather than once per member.
     * A running member keeps its group reachable (through {@link Greenlet}'s owner), so no group with
     * running members is ever dropped.
     */
    public Group() {
        for (Reference<? extends Group> gone; (gone = COLLECTED.poll()) != null; ) {
            ALL.remove(gone);
        }
        ALL.add(new WeakReference<>(this, COLLECTED));
    }

    /** The greenlets of every group still running, newest first within each group. */
    static List<Greenlet<?>> allRunning() {
        List<Greenlet<?>> running = new ArrayList<>();
        for (WeakReference<Group> ref : ALL) {
            Group group = ref.get();
            if (group != null) {
                running.addAll(group.members.running());
            }
        }
        return running;
    }

    /**
     * Spawns {@code task} in a new greenlet that belongs to this group. A {@link Pool} first waits
     * for a free slot.
     *
     * @throws GreenletExit if the thread is interrupted while a pool waits (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the thread expires while a pool waits
     */
    public <T> Greenlet<T> spawn(Callable<T> task) {
        return launch(new Greenlet<>(task, this, true));
    }

    /** Spawns {@code task} in a new greenlet that belongs to this group, as {@link #spawn(Callable)}; its value is null. */
    public Greenlet<Void> spawn(Runnable task) {
        return launch(new Greenlet<>(task, this, true));
    }

    /** Makes {@code greenlet} a member and starts it; a pool waits for a slot first. */
    <T> Greenlet<T> launch(Greenlet<T> greenlet) {
        adopt(greenlet);
        return greenlet.start();
    }

    /** Makes a new, unstarted {@code greenlet} a member. */
    final void adopt(Greenlet<?> greenlet) {
        members.add(greenlet, greenlet.serial());
    }

    /**
     * The number of greenlets of this group still running, those whose task has not ended (a task of
     * a {@link Pool} sees at most its capacity); counts them, in time linear in the group's size.
     */
    public int size() {
        return members.running().size();
    }

    /** The greenlets of this group still running or running their link callbacks, newest first. */
    final List<Greenlet<?>> unfinished() {
        return members.unfinished(members.newest());
    }

    /** A snapshot of the greenlets of this group still running, oldest first. */
    public List<Greenlet<?>> greenlets() {
        return List.copyOf(members.running().reversed());
    }

    /**
     * Waits until every greenlet of the group has finished, including ones spawned while waiting.
     *
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public void join() {
        await(-1);
    }

    /**
     * Waits at most {@code timeout} until the group is empty.
     *
     * @return true if the group is empty, false if the timeout elapsed first
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public boolean join(Duration timeout) {
        return await(Durations.nanos(timeout));
    }

    /**
     * Waits at most {@code nanos} (negative: no limit) until the group is empty; true if it is.
     * Walks the members, waiting for each one still running or running its link callbacks (as in
     * gevent, join returns after them), until a whole walk finds none and none adopted since it began.
     */
    final boolean await(long nanos) {
        long deadline = nanos < 0 ? 0 : System.nanoTime() + nanos;
        while (true) {
            Greenlet<?> top = members.newest();
            for (Greenlet<?> member : members.unfinished(top)) {
                if (!member.callbacksRan() && !member.await(nanos < 0 ? -1 : Math.max(0, deadline - System.nanoTime()))) {
                    return false;
                }
            }
            if (members.newest() == top) {
                return true;
            }
        }
    }

    /**
     * Kills every greenlet of the group and waits until they have finished, including ones spawned
     * meanwhile (by a dying member's {@code finally}, say), as gevent's {@code Group.kill} does.
     *
     * @throws GreenletExit if the killing thread is interrupted while it waits
     * @throws Timeout.Expired if a {@link Timeout} of the killing thread expires while it waits (the kill stands)
     */
    public void kill() {
        // Not greenlets(): it leaves out a member whose task has ended just before it is ready. Walks again
        // only if members were adopted meanwhile, as await() does: called from a member's link callbacks, the
        // joins do not wait for callbacks, so that member (and others running theirs) would stay unfinished.
        for (Greenlet<?> top = members.newest(); ; top = members.newest()) {
            Green.killAll(members.unfinished(top));
            if (members.newest() == top) {
                return;
            }
        }
    }

    /** How many results of {@link #imapUnordered} may wait unread before its feeder stops spawning. */
    int unreadLimit() {
        return Integer.MAX_VALUE;
    }

    /**
     * Applies {@code function} to every item, each in a greenlet of this group (a {@link Pool} runs
     * at most its capacity at once), and returns the results in the order of the items (gevent's
     * {@code map}). Waits for all of them. The function may throw checked exceptions, as a
     * {@link Callable} given to {@link #spawn(Callable)} may: {@code pool.map(InetAddress::getByName, hosts)}.
     *
     * <p>Called from a platform thread (such as {@code main}) with a {@link Collection} of items, map
     * copies the items there, then spawns and collects in a greenlet of its own and waits for that
     * one: a slot freed in a full pool then wakes a virtual thread, not an operating-system thread,
     * and each start is a push onto a carrier's own queue (BENCHMARKS.md has the gain). An interrupt
     * or a Timeout of the caller kills that greenlet without waiting for it to end (the items may
     * hold every carrier thread); an item it still spawns ends at once, with a {@link GreenletExit},
     * without calling the function. Any other {@link Iterable} is read on the calling thread, item
     * by item as they are spawned, since its iterator may depend on that thread (a lock it holds, a
     * thread-local).
     *
     * @throws CompletionException wrapping the failure of the first item (in item order) that failed;
     *     the other items still ran to their end
     * @throws GreenletExit if the calling thread is interrupted; the function is called for no more
     *     items, and the items already started keep running
     * @throws Timeout.Expired if a {@link Timeout} of the calling thread expires, with the same effect
     */
    public <T, R> List<R> map(Mapper<? super T, ? extends R> function, Iterable<? extends T> items) {
        Objects.requireNonNull(function, "function == null");
        Objects.requireNonNull(items, "items == null");
        if (Thread.currentThread().isVirtual() || !(items instanceof Collection<? extends T> known)) {
            return mapHere(function, items);
        }
        List<? extends T> copied = new ArrayList<>(known);
        AtomicBoolean stopped = new AtomicBoolean();
        Greenlet<List<R>> mapper = Green.spawn(() -> mapHere(item -> {
            if (stopped.get()) {
                throw new GreenletExit("map was stopped before this item started");
            }
            return function.apply(item);
        }, copied));
        try {
            mapper.join();
        } catch (RuntimeException | Error e) { // interrupted, or a Timeout expired
            // Not waiting for the mapper to end: it needs a carrier thread, and the items may hold
            // them all until this caller goes on. The flag keeps what it still spawns from running.
            stopped.set(true);
            mapper.requestKill();
            throw e;
        }
        return switch (mapper.exception()) {
            case null -> mapper.value();
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> mapper.get(); // mapHere throws no checked exception: never reached
        };
    }

    /** {@link #map} on the calling thread. */
    private <T, R> List<R> mapHere(Mapper<? super T, ? extends R> function, Iterable<? extends T> items) {
        List<Greenlet<R>> jobs = new ArrayList<>(items instanceof Collection<?> known ? known.size() : 16);
        for (T item : items) {
            // A plain group's spawn never waits, so nothing else would see an interrupt (a kill) until the joins.
            if (Thread.interrupted()) {
                throw Interruption.raise(new InterruptedException());
            }
            jobs.add(spawn(() -> function.apply(item)));
        }
        // Every item ends before a failure is thrown, as promised: no item of this call still runs.
        List<R> results = new ArrayList<>(jobs.size());
        Greenlet<R> firstFailed = null;
        for (Greenlet<R> job : jobs) {
            job.join();
            if (firstFailed == null && !job.successful()) {
                firstFailed = job;
            }
            results.add(job.value());
        }
        if (firstFailed != null) {
            firstFailed.get(); // throws its failure
        }
        return results;
    }

    /**
     * Applies {@code function} to every item, each in a greenlet of this group, and yields the
     * results in the order they complete (gevent's {@code imap_unordered}). Items are taken from
     * {@code items} by a feeder greenlet: a plain group spawns them all at once; a {@link Pool}
     * takes them lazily, as its slots free up, so a long input is never held in memory, and at
     * most its capacity of results wait unread. A reader may stop early: once its iterator is
     * garbage, the feeder is killed (items already spawned run to their end), so that it does not
     * stay parked with the rest of {@code items}.
     *
     * <p>The iterator's {@code next()} blocks until a result is ready; it throws
     * {@link CompletionException} for an item that failed (later items keep coming), and
     * {@link GreenletExit} if the reading thread is interrupted.
     */
    public <T, R> Iterable<R> imapUnordered(Mapper<? super T, ? extends R> function, Iterable<? extends T> items) {
        Objects.requireNonNull(function, "function == null");
        Objects.requireNonNull(items, "items == null");
        return () -> new UnorderedResults<>(this, function, items);
    }

    /**
     * The function of {@link #map} and {@link #imapUnordered}: a {@link java.util.function.Function}
     * that may throw checked exceptions, as a {@link Callable} may, so that a method such as
     * {@code InetAddress::getByName} or {@code Files::readString} fits as it is. What it throws
     * fails its item.
     *
     * @param <T> the item
     * @param <R> the result
     */
    @FunctionalInterface
    public interface Mapper<T, R> {
        /** The result for {@code item}. */
        R apply(T item) throws Exception;
    }

    /** The iterator behind {@link #imapUnordered}: a feeder greenlet spawns, links hand results back. */
    private static final class UnorderedResults<T, R> implements Iterator<R> {
        /** Put last, by the feeder's link once it has finished: how many results it spawned. */
        private record End(int spawned) {
        }

        private final LinkedBlockingQueue<Object> done = new LinkedBlockingQueue<>();
        private final Semaphore unread;
        private End end;
        private int received;
        private Object next;

        UnorderedResults(Group group, Mapper<? super T, ? extends R> function, Iterable<? extends T> items) {
            this.unread = new Semaphore(group.unreadLimit());
            // The feeder holds the semaphore and the queue, never this iterator, which may so become garbage.
            Semaphore unread = this.unread;
            LinkedBlockingQueue<Object> done = this.done;
            // Written by the feeder only; its link reads it after it finished, so the end comes once the
            // feeder no longer runs (in no Green.live()), as gevent's imap_unordered greenlet is dead by then.
            int[] spawned = new int[1];
            Greenlet<Void> feeder = Green.spawn(() -> {
                try {
                    for (T item : items) {
                        acquire(unread);
                        group.spawn(() -> function.apply(item)).link(done::add);
                        spawned[0]++;
                    }
                } catch (RuntimeException | Error e) {
                    done.add(new CompletionException("reading the items failed: " + e, e));
                }
            });
            // Held by the feeder's callback while it runs, and cleared when it ends.
            FeederKill kill = new FeederKill(this, feeder);
            feeder.link(ended -> {
                kill.clear();
                done.add(new End(spawned[0]));
            });
        }

        /** Kills the feeder of an iterator that became garbage, whatever it was waiting for. */
        private static final class FeederKill extends Collected {
            private final Greenlet<?> feeder;

            FeederKill(UnorderedResults<?, ?> iterator, Greenlet<?> feeder) {
                super(iterator);
                this.feeder = feeder;
            }

            @Override
            void undo(Set<Greenlet<?>> toPrune) {
                feeder.requestKill();
            }
        }

        private static void acquire(Semaphore semaphore) {
            try {
                semaphore.acquire();
            } catch (InterruptedException e) {
                throw Interruption.raise(e);
            }
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                if (end != null && received == end.spawned()) {
                    return false;
                }
                Object taken;
                try {
                    taken = done.take();
                } catch (InterruptedException e) {
                    throw Interruption.raise(e);
                }
                if (taken instanceof End e) {
                    end = e;
                } else {
                    next = taken;
                }
            }
            return true;
        }

        @Override
        @SuppressWarnings("unchecked")
        public R next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Object item = next;
            next = null;
            if (item instanceof CompletionException e) {
                throw e;
            }
            received++;
            unread.release();
            return ((Greenlet<R>) item).get();
        }
    }

    /** Called by a member greenlet when it finishes, before anyone can see it finished. */
    void discard(Greenlet<?> greenlet) {
    }

    /**
     * Called by a member greenlet once it is {@link Greenlet#ready() ready}, before its parked joiners wake and its
     * link callbacks run (gevent's pool frees a slot in a link of the dead greenlet); must neither block nor throw.
     */
    void memberReady() {
    }

    @Override
    public String toString() {
        return "Group[" + size() + " running]";
    }
}

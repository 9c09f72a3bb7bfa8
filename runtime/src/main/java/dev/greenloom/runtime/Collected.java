package dev.greenloom.runtime;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What to undo once a reader became garbage while greenlets still hold something for it: the links of
 * an {@link Green#iwait} iteration a loop left early, the feeder of an {@link Group#imapUnordered}
 * read partway. A phantom reference to the reader, queued by the GC and handled on one daemon thread,
 * {@code greenloom-cleaner}, started with the first. It is queued only while reachable itself, so the
 * greenlets' callbacks or task hold it: once they have run, there is nothing to undo and it is simply
 * collected, unless {@link #clear()}ed before.
 */
abstract class Collected extends PhantomReference<Object> {
    private static final ReferenceQueue<Object> DROPPED = new ReferenceQueue<>();

    static {
        Thread.ofPlatform().name("greenloom-cleaner").daemon().start(Collected::undoDropped);
    }

    Collected(Object reader) {
        super(reader, DROPPED);
    }

    /**
     * Undoes what the reader left, on the cleaner thread; adds the greenlets whose callback stacks
     * need a {@link Outcome#pruneCallbacks() prune} to {@code toPrune}, which the thread then prunes
     * once each.
     */
    abstract void undo(Set<Greenlet<?>> toPrune);

    /**
     * The cleaner thread: undoes every reference queued so far, then prunes each greenlet once, so
     * that many readers dropped between two collections cost one walk of each greenlet's stack
     * instead of one per reader.
     */
    private static void undoDropped() {
        while (true) {
            List<Collected> dropped = new ArrayList<>();
            try {
                dropped.add((Collected) DROPPED.remove());
            } catch (InterruptedException e) {
                continue; // nobody stops this thread; an interrupt changes nothing
            }
            for (Reference<?> more; (more = DROPPED.poll()) != null; ) {
                dropped.add((Collected) more);
            }
            Set<Greenlet<?>> toPrune = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Collected collected : dropped) {
                collected.undo(toPrune);
            }
            toPrune.forEach(Greenlet::pruneCallbacks);
        }
    }
}

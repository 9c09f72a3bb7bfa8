package dev.greenloom.runtime;

import java.util.concurrent.CompletionException;

/** Turns an interrupt seen by a blocking runtime call into the runtime's unchecked exceptions. */
final class Interruption {
    private Interruption() {
    }

    /**
     * The exception a blocking call throws when its thread was interrupted: {@link Timeout.Expired}
     * if one of the thread's {@link Timeout}s fired (the interrupt is consumed), or was closed since
     * and reported itself on {@code cause} (caught in the catch clause of the Timeout's own try),
     * otherwise {@link GreenletExit} with the interrupt status set again. A kill wins over a timeout.
     */
    static RuntimeException raise(Exception cause) {
        boolean killed = killed();
        Timeout fired = killed ? null : Timeout.takeFired();
        if (fired == null && !killed) {
            fired = Timeout.reportedOn(cause);
        }
        if (fired != null) {
            Timeout.Expired expired = fired.expired();
            expired.initCause(cause);
            return expired;
        }
        Thread.currentThread().interrupt();
        return new GreenletExit(killed ? Greenlet.current().name() + " killed" : "interrupted", cause);
    }

    /** True if the calling code runs in a greenlet that was killed. */
    static boolean killed() {
        Greenlet<?> current = Greenlet.current();
        return current != null && current.killRequested();
    }

    /** {@code thrown} as an unchecked exception: itself, a {@link GreenletExit} for an interrupt, else wrapped. */
    static RuntimeException unchecked(Exception thrown) {
        if (thrown instanceof RuntimeException e) {
            return e;
        }
        if (thrown instanceof InterruptedException e) {
            return raise(e);
        }
        return new CompletionException(thrown);
    }
}

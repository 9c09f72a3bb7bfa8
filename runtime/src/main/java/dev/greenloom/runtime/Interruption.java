package dev.greenloom.runtime;

import java.util.concurrent.CompletionException;

/** Turns an interrupt seen by a blocking runtime call into the runtime's unchecked exceptions. */
final class Interruption {
    private Interruption() {
    }

    /**
     * The exception a blocking call throws when its thread was interrupted: {@link Timeout.Expired}
     * if one of the thread's {@link Timeout}s fired (the interrupt is consumed), otherwise
     * {@link GreenletExit} with the interrupt status set again. A kill wins over a timeout.
     */
    static RuntimeException raise(Exception cause) {
        boolean killed = killed();
        if (!killed) {
            Timeout fired = Timeout.takeFired();
            if (fired != null) {
                return fired.expired();
            }
            // In try (var t = Timeout.start(d)) { ... } catch (InterruptedException e), close() ran first:
            // it consumed the interrupt and added its Expired to the exception as suppressed.
            for (Throwable suppressed : cause.getSuppressed()) {
                if (suppressed instanceof Timeout.Expired expired) {
                    return expired;
                }
            }
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

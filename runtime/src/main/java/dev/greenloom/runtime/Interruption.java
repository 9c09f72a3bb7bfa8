package dev.greenloom.runtime;

/** Turns an interrupt seen by a blocking runtime call into the runtime's unchecked exceptions. */
final class Interruption {
    private Interruption() {
    }

    /**
     * The exception a blocking call throws when its thread was interrupted: {@link Timeout.Expired}
     * if one of the thread's {@link Timeout}s fired (the interrupt is consumed), otherwise
     * {@link GreenletExit} with the interrupt status set again.
     */
    static RuntimeException raise(InterruptedException cause) {
        Greenlet<?> current = Greenlet.current();
        boolean killed = current != null && current.killRequested();
        Timeout fired = killed ? null : Timeout.takeFired();
        if (fired != null) {
            return fired.expired();
        }
        Thread.currentThread().interrupt();
        return new GreenletExit(killed ? current.name() + " killed" : "interrupted", cause);
    }
}

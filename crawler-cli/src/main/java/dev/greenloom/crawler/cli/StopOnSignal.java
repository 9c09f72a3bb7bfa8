package dev.greenloom.crawler.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ends a run cleanly on Ctrl-C (SIGINT) or SIGTERM while open: a JVM shutdown hook calls the run's {@code stop}
 * action, then holds the JVM's exit until {@link #close()}, so that the run writes what it has and its summary
 * first (for at most {@value #GRACE_SECONDS} s). The JVM then exits with the signal's usual status (130 for
 * SIGINT, 143 for SIGTERM), whatever the command returns.
 */
final class StopOnSignal implements AutoCloseable {
    private static final int GRACE_SECONDS = 10;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean signalled;

    /**
     * Registers the hook.
     *
     * @param name the hook thread's name
     * @param stop runs on the hook's thread when a signal arrives; it makes the run end soon, and may return before
     */
    StopOnSignal(String name, Runnable stop) {
        hook = new Thread(() -> {
            signalled = true;
            stop.run();
            try {
                closed.await(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Whether a signal has arrived (and the stop action was called). */
    boolean signalled() {
        return signalled;
    }

    /** Removes the hook, or, if it is running, lets the JVM exit. Call after the run's last output. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook is running (it waits for us) and cannot be removed.
        }
        closed.countDown();
    }
}

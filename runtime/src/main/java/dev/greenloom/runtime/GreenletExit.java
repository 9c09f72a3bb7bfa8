package dev.greenloom.runtime;

/**
 * Raised inside a greenlet that was killed, or in any thread whose blocking greenloom call was
 * interrupted. The thread's interrupt status is kept set when this is thrown, so code further up
 * still sees the interruption; never swallow it. Its subclass {@link Timeout.Expired} reports a
 * timeout instead, with the interrupt status clear.
 *
 * <p>This is the unchecked counterpart of {@link InterruptedException}, as
 * {@link java.util.concurrent.CancellationException} is for {@code CompletableFuture.join()}.
 * A greenlet that ends with it counts as killed (or timed out): {@link Greenlet#successful()} is
 * false and {@link Greenlet#exception()} returns it.
 */
public class GreenletExit extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GreenletExit(String message) {
        super(message);
    }

    public GreenletExit(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.greenloom.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A value or an exception delivered once to any number of waiters, gevent's {@code AsyncResult}:
 * one greenlet calls {@link #set} or {@link #setException}, others {@link #get()} it.
 *
 * <pre>{@code
 * AsyncResult<String> answer = new AsyncResult<>();
 * Green.spawn(() -> answer.set(ask()));
 * String text = answer.get(Duration.ofSeconds(3));   // Timeout.Expired if not set in time
 * }</pre>
 *
 * <p>The first {@code set} or {@code setException} wins; later ones return false and change
 * nothing. {@link #await(Duration)} waits without reading the result (gevent's {@code wait});
 * {@link #get()} throws a {@link java.util.concurrent.CompletionException} wrapping the exception.
 * Safe for concurrent use. Memory consistency effects: actions before the winning
 * {@code set}/{@code setException} happen-before any read that observes the result ready.
 *
 * <p>As in gevent, an AsyncResult can be a {@link Greenlet#link link} target: it takes the finished
 * greenlet's value, or its exception ({@link GreenletExit} if it was killed).
 *
 * <pre>{@code
 * Green.spawn(() -> 1 / 0).link(result);    // result.get() throws, caused by ArithmeticException
 * }</pre>
 *
 * @param <T> the value
 */
public final class AsyncResult<T> extends Outcome<T> implements Consumer<Greenlet<? extends T>> {
    /** A result not ready yet. */
    public AsyncResult() {
    }

    /**
     * Makes {@code value} (may be null) the result and wakes the waiters.
     *
     * @return true if this call set the result, false if it was already set
     */
    public boolean set(T value) {
        return complete(value, null);
    }

    /**
     * Makes {@code exception} the result's failure and wakes the waiters.
     *
     * @return true if this call set the result, false if it was already set
     */
    public boolean setException(Throwable exception) {
        return complete(null, Objects.requireNonNull(exception, "exception == null"));
    }

    /**
     * Waits until the result is set, a value or an exception, without throwing that exception.
     *
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public void await() {
        await(-1);
    }

    /**
     * Waits at most {@code timeout} until the result is set, a value or an exception, without
     * throwing that exception (gevent's {@code wait(timeout)}; read it with {@link #value()} or
     * {@link #exception()}).
     *
     * @return true if it is set, false if the timeout elapsed first
     * @throws GreenletExit if the waiting thread is interrupted (its interrupt status is kept)
     * @throws Timeout.Expired if a {@link Timeout} of the waiting thread expires
     */
    public boolean await(Duration timeout) {
        return await(Durations.nanos(timeout));
    }

    /**
     * Sets the result from {@code greenlet}, which has finished: its value if it succeeded, else its
     * exception (gevent's {@code AsyncResult.__call__}, what makes it a link target).
     *
     * @throws IllegalArgumentException if {@code greenlet} has not finished
     */
    @Override
    public void accept(Greenlet<? extends T> greenlet) {
        if (!greenlet.ready()) {
            throw new IllegalArgumentException(greenlet.name() + " has not finished");
        }
        Throwable failure = greenlet.exception();
        complete(failure == null ? greenlet.value() : null, failure);
    }

    private boolean complete(T value, Throwable exception) {
        synchronized (this) {
            if (!settle(value, exception)) {
                return false;
            }
        }
        release(false); // it has no callbacks
        return true;
    }

    @Override
    String describe() {
        return "AsyncResult";
    }

    @Override
    public String toString() {
        return "AsyncResult[" + (!ready() ? "pending" : successful() ? "value" : "exception") + "]";
    }
}

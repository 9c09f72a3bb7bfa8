package dev.greenloom.runtime;

import java.util.concurrent.SynchronousQueue;

/**
 * A rendezvous point between greenlets, gevent's {@code Channel}: a {@link Queue} with no room,
 * where {@link #put(Object)} waits until a getter takes the item and {@link #get()} waits until a
 * putter hands one over. Waiting putters and getters are served in the order they came, as in
 * gevent: a fair {@link SynchronousQueue} underneath (a non-fair one is a stack, which hands the
 * items of three blocked putters over last first).
 *
 * <pre>{@code
 * Channel<String> ch = new Channel<>();
 * Green.spawn(() -> ch.put("ping"));
 * String message = ch.get();
 * }</pre>
 *
 * <p>{@link #offer(Object)} succeeds only if a getter is waiting, {@link #poll()} only if a putter
 * is; a timed {@code put} throws {@link Queue.Full} if no getter came in time. {@link #size()} is
 * always 0. Blocking and memory consistency behaviour as for {@link Queue}.
 *
 * @param <T> the items
 */
public final class Channel<T> extends Queue<T> {
    /** A new channel. */
    public Channel() {
        super(new SynchronousQueue<>(true), null);
    }
}

package dev.greenloom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class ChannelTest {
    @Test
    void putWaitsUntilAGetterTakesTheItem() {
        Channel<String> channel = new Channel<>();
        Greenlet<Void> putter = Green.spawn(() -> channel.put("hello"));
        assertFalse(putter.join(Duration.ofMillis(50)), "put returned with no getter");

        assertEquals("hello", channel.get());

        putter.join();
        assertEquals(0, channel.size());
    }

    // gevent's Channel serves its waiters first come, first served: three greenlets blocked putting 1, 2, 3
    // are read as 1, 2, 3, not (as a non-fair SynchronousQueue, a stack, hands them) 3, 2, 1.
    @Test
    void waitingPuttersAndGettersAreServedInTheOrderTheyCame() throws InterruptedException {
        Channel<Integer> channel = new Channel<>();
        for (int i = 1; i <= 3; i++) {
            int item = i;
            awaitWaiting(Thread.ofVirtual().start(() -> channel.put(item)));
        }
        assertEquals(List.of(1, 2, 3), List.of(channel.get(), channel.get(), channel.get()));

        AtomicIntegerArray got = new AtomicIntegerArray(3);
        Thread[] getters = new Thread[3];
        for (int i = 0; i < 3; i++) {
            int index = i;
            getters[i] = Thread.ofVirtual().start(() -> got.set(index, channel.get()));
            awaitWaiting(getters[i]);
        }
        for (int i = 1; i <= 3; i++) {
            channel.put(i);
        }
        for (Thread getter : getters) {
            getter.join();
        }
        assertEquals("[1, 2, 3]", got.toString());
    }

    private static void awaitWaiting(Thread thread) {
        while (thread.getState() != Thread.State.WAITING) {
            Thread.yield();
        }
    }

    @Test
    void offerAndPollNeedAPartnerWaiting() {
        Channel<String> channel = new Channel<>();
        assertFalse(channel.offer("nobody listens"));
        assertNull(channel.poll());
        assertThrows(Queue.Full.class, () -> channel.put("x", Duration.ofMillis(20)));
        assertThrows(Queue.Empty.class, () -> channel.get(Duration.ofMillis(20)));
    }

    @Test
    void pingPongExchangesEveryMessage() {
        Channel<Integer> ping = new Channel<>();
        Channel<Integer> pong = new Channel<>();
        int rounds = 10_000;
        Greenlet<Void> echo = Green.spawn(() -> {
            for (int i = 0; i < rounds; i++) {
                pong.put(ping.get() + 1);
            }
        });
        int sum = 0;
        for (int i = 0; i < rounds; i++) {
            ping.put(i);
            sum += pong.get() - i;
        }
        echo.join();
        assertEquals(rounds, sum);
    }
}

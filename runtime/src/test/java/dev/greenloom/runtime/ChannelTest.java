package dev.greenloom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
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

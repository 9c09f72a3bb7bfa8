package dev.greenloom.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class EventTest {
    @Test
    void setWakesEveryWaiter() {
        Event event = new Event();
        CountDownLatch waiting = new CountDownLatch(10);
        List<Greenlet<Void>> waiters = IntStream.range(0, 10).mapToObj(i -> Green.spawn(() -> {
            waiting.countDown();
            event.await();
        })).toList();
        GreenTest.await(waiting);

        event.set();

        Green.joinAllOrThrow(waiters, Duration.ofSeconds(30));
        assertTrue(event.isSet());
    }

    @Test
    void awaitWithTimeoutReturnsFalseUntilSet() {
        Event event = new Event();
        assertFalse(event.await(Duration.ofMillis(20)));
        event.set();
        assertTrue(event.await(Duration.ZERO));
    }

    @Test
    void clearMakesWaitsBlockAgain() {
        Event event = new Event();
        event.set();
        event.clear();
        assertFalse(event.isSet());
        assertFalse(event.await(Duration.ofMillis(20)));
        event.clear();
        event.set();
        event.set();
        assertTrue(event.isSet());
    }

    @Test
    void killEndsAWaitWithGreenletExit() {
        Event event = new Event();
        CountDownLatch waiting = new CountDownLatch(1);
        Greenlet<Void> waiter = Green.spawn(() -> {
            waiting.countDown();
            event.await();
        });
        GreenTest.await(waiting);
        waiter.kill();
        assertInstanceOf(GreenletExit.class, waiter.exception());
    }
}

package dev.greenloom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class AsyncResultTest {
    @Test
    void getReturnsTheValueSetByAnotherGreenlet() {
        AsyncResult<String> result = new AsyncResult<>();
        assertFalse(result.ready());
        assertNull(result.value());
        Green.spawn(() -> result.set("hello"));
        assertEquals("hello", result.get(Duration.ofSeconds(30)));
        assertTrue(result.successful());
        assertNull(result.exception());
    }

    @Test
    void setExceptionMakesGetThrowItWrapped() {
        AsyncResult<String> result = new AsyncResult<>();
        IllegalStateException boom = new IllegalStateException("boom");
        assertTrue(result.setException(boom));
        CompletionException e = assertThrows(CompletionException.class, result::get);
        assertSame(boom, e.getCause());
        assertSame(boom, result.exception());
        assertFalse(result.successful());
        assertNull(result.value());
    }

    @Test
    void theFirstSetWins() {
        AsyncResult<Integer> result = new AsyncResult<>();
        assertTrue(result.set(1));
        assertFalse(result.set(2));
        assertFalse(result.setException(new IllegalStateException()));
        assertEquals(1, result.get());
    }

    @Test
    void getWithTimeoutThrowsExpiredWhenNotReady() {
        AsyncResult<Integer> result = new AsyncResult<>();
        assertThrows(Timeout.Expired.class, () -> result.get(Duration.ofMillis(20)));
    }

    @Test
    void awaitWaitsForAnExceptionWithoutThrowingIt() {
        AsyncResult<String> result = new AsyncResult<>();
        assertFalse(result.await(Duration.ofMillis(20)));
        IllegalStateException boom = new IllegalStateException("boom");
        Green.spawnLater(Duration.ofMillis(20), () -> result.setException(boom));
        result.await();
        assertTrue(result.await(Duration.ZERO));
        assertSame(boom, result.exception());
    }

    // gevent's AsyncResult doc: 'AsyncResult implements __call__() and thus can be used as link() target'.
    @Test
    void aLinkedResultTakesTheGreenletsValueOrException() {
        AsyncResult<Integer> failed = new AsyncResult<>();
        Green.spawn(() -> 1 / 0).link(failed);
        CompletionException e = assertThrows(CompletionException.class, () -> failed.get(Duration.ofSeconds(30)));
        assertInstanceOf(ArithmeticException.class, e.getCause());

        AsyncResult<Number> succeeded = new AsyncResult<>();
        Green.spawn(() -> 42).link(succeeded);
        assertEquals(42, succeeded.get(Duration.ofSeconds(30)));

        AsyncResult<Object> killed = new AsyncResult<>();
        Greenlet<Void> sleeper = Green.spawn(() -> Green.sleep(Duration.ofSeconds(30)));
        sleeper.link(killed);
        sleeper.kill();
        assertTrue(killed.await(Duration.ofSeconds(30)));
        assertInstanceOf(GreenletExit.class, killed.exception());
    }

    @Test
    void aRunningGreenletIsRefused() {
        Greenlet<Void> sleeper = Green.spawn(() -> Green.sleep(Duration.ofSeconds(30)));
        assertThrows(IllegalArgumentException.class, () -> new AsyncResult<Void>().accept(sleeper));
        sleeper.kill();
    }

    @Test
    void nullIsAValue() {
        AsyncResult<String> result = new AsyncResult<>();
        result.set(null);
        assertTrue(result.successful());
        assertNull(result.get());
    }
}

package dev.greenloom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void nullIsAValue() {
        AsyncResult<String> result = new AsyncResult<>();
        result.set(null);
        assertTrue(result.successful());
        assertNull(result.get());
    }
}

package dev.greenloom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class BoundedSemaphoreTest {
    @Test
    void acquireWaitsForARelease() {
        BoundedSemaphore semaphore = new BoundedSemaphore(1);
        semaphore.acquire();
        Greenlet<Void> waiter = Green.spawn(() -> semaphore.acquire());
        assertFalse(waiter.join(Duration.ofMillis(50)), "acquired a taken permit");

        semaphore.release();

        waiter.join();
        assertEquals(0, semaphore.availablePermits());
    }

    @Test
    void withoutACountItHoldsOnePermit() {
        BoundedSemaphore lock = new BoundedSemaphore();
        assertEquals(1, lock.permits());
        assertTrue(lock.acquire(Duration.ZERO));
        assertFalse(lock.acquire(Duration.ZERO));
        lock.release();
        assertThrows(IllegalStateException.class, lock::release);
    }

    @Test
    void timedAcquireReturnsFalseWhenNoPermitIsFree() {
        BoundedSemaphore semaphore = new BoundedSemaphore(2);
        assertTrue(semaphore.acquire(Duration.ZERO));
        assertTrue(semaphore.acquire(Duration.ofMillis(20)));
        assertFalse(semaphore.acquire(Duration.ofMillis(20)));
        assertEquals(2, semaphore.permits());
    }

    @Test
    void releasingMoreThanAcquiredIsRefused() {
        BoundedSemaphore semaphore = new BoundedSemaphore(1);
        assertThrows(IllegalStateException.class, semaphore::release);
        semaphore.acquire();
        semaphore.release();
        assertThrows(IllegalStateException.class, semaphore::release);
        assertEquals(1, semaphore.availablePermits());
    }

    // Permits are not owned: the permit a waiter just took may be given back by anyone, at once.
    @Test
    void aPermitMayBeReleasedByAnotherThreadTheMomentItIsTaken() {
        BoundedSemaphore semaphore = new BoundedSemaphore(1);
        semaphore.acquire();
        for (int i = 0; i < 5_000; i++) {
            Greenlet<Void> taker = Green.spawn(() -> semaphore.acquire());
            semaphore.release();
            while (semaphore.availablePermits() != 0) {
                Thread.onSpinWait(); // the taker has the permit: release it before the taker goes on
            }
            semaphore.release();
            taker.join();
            semaphore.acquire();
        }
        assertEquals(0, semaphore.availablePermits());
    }

    @Test
    void permitsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new BoundedSemaphore(0));
    }
}

package dev.greenloom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class TimeoutTest {
    private static final Duration SHORT = Duration.ofMillis(50);
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void expiredTimeoutInterruptsASleepWithExpired() {
        Timeout.Expired e;
        try (Timeout timeout = Timeout.start(SHORT)) {
            e = assertThrows(Timeout.Expired.class, () -> Green.sleep(LONG));
            assertSame(timeout, e.timeout());
        }
        assertFalse(Thread.currentThread().isInterrupted(), "no stray interrupt");
    }

    // The issue: "a kill or a Timeout surfaces as an unchecked GreenletExit"; a timeout's interrupt is consumed.
    @Test
    void anExpiredTimeoutSurfacesAsGreenletExitWithoutAStrayInterrupt() {
        GreenletExit e = assertThrows(GreenletExit.class, () -> {
            try (Timeout timeout = Timeout.start(SHORT)) {
                Green.sleep(LONG);
            }
        });
        assertInstanceOf(Timeout.Expired.class, e);
        assertFalse(Thread.currentThread().isInterrupted(), "no stray interrupt");

        Greenlet<Void> job = Green.spawn(() -> {
            try (Timeout timeout = Timeout.start(SHORT)) {
                Green.sleep(LONG);
            }
        });
        job.join();
        assertInstanceOf(GreenletExit.class, job.exception());
    }

    @Test
    void timeoutThatDoesNotFireLeavesNoTrace() {
        try (Timeout timeout = Timeout.start(LONG)) {
            Green.sleep(Duration.ofMillis(10));
            assertEquals(LONG, timeout.duration());
        }
        assertFalse(Thread.currentThread().isInterrupted());
        Green.sleep(Duration.ofMillis(10)); // would throw if an interrupt or a fired timer were left over
    }

    @Test
    void closeThrowsExpiredWhenNothingElseReportedIt() {
        CountDownLatch never = new CountDownLatch(1);
        Timeout.Expired e = assertThrows(Timeout.Expired.class, () -> {
            try (Timeout timeout = Timeout.start(SHORT)) {
                try {
                    never.await();
                } catch (InterruptedException swallowed) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertFalse(Thread.currentThread().isInterrupted(), "close cleared the timeout's interrupt");
        assertEquals("timed out after " + SHORT, e.getMessage());
    }

    @Test
    void nestedTimeoutsTheEarlierInnerOneWins() {
        try (Timeout outer = Timeout.start(LONG)) {
            try (Timeout inner = Timeout.start(SHORT)) {
                Timeout.Expired e = assertThrows(Timeout.Expired.class, () -> Green.sleep(LONG));
                assertSame(inner, e.timeout());
            }
            Green.sleep(Duration.ofMillis(10)); // the outer one is still quiet
        }
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void nestedTimeoutsTheEarlierOuterOneWins() {
        Timeout outerTimeout = null;
        Timeout.Expired e = null;
        try (Timeout outer = Timeout.start(SHORT)) {
            outerTimeout = outer;
            try (Timeout inner = Timeout.start(LONG)) {
                Green.sleep(LONG);
            }
        } catch (Timeout.Expired expired) {
            e = expired;
        }
        assertSame(outerTimeout, e.timeout());
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void anInnerCloseAfterBothFiredInBusyCodeReportsTheOuterOneWithTheInterruptClear() {
        Timeout.Expired caught = null;
        Timeout outerTimeout;
        try (Timeout outer = Timeout.start(Duration.ofMillis(20))) {
            outerTimeout = outer;
            try (Timeout inner = Timeout.start(Duration.ofMillis(10))) {
                long giveUp = System.nanoTime() + LONG.toNanos();
                while (!(inner + " " + outer).equals("Timeout[PT0.01S, expired] Timeout[PT0.02S, expired]")
                        && System.nanoTime() < giveUp) {
                    Thread.onSpinWait(); // busy: no call that would report a timeout
                }
            } catch (Timeout.Expired e) {
                caught = e;
                assertFalse(Thread.currentThread().isInterrupted(), "the Expired's interrupt is consumed");
            }
        }
        assertSame(outerTimeout, caught.timeout(), "the outermost deadline is the one reported");
        assertFalse(Thread.currentThread().isInterrupted());
    }

    /** As every other runtime type, a Timeout says its state, so that a log of {@code e.timeout()} tells which one fired. */
    @Test
    void toStringShowsTheDurationAndWhetherItExpired() {
        Timeout expired = Timeout.start(SHORT);
        try (expired) {
            try (Timeout pending = Timeout.start(LONG)) {
                assertEquals("Timeout[" + LONG + ", pending]", pending.toString());
                Timeout.Expired e = assertThrows(Timeout.Expired.class, () -> Green.sleep(LONG));
                assertEquals("Timeout[" + SHORT + ", expired]", e.timeout().toString());
            }
        }
        assertEquals("Timeout[" + SHORT + ", closed]", expired.toString());
    }

    @Test
    void closingOnAnotherThreadIsRefused() {
        try (Timeout timeout = Timeout.start(LONG)) {
            Greenlet<Void> other = Green.spawn(timeout::close);
            other.join();
            assertInstanceOf(IllegalStateException.class, other.exception());
        }
    }

    @Test
    void killWinsOverATimeout() {
        CountDownLatch inTimeout = new CountDownLatch(1);
        Greenlet<Void> job = Green.spawn(() -> {
            try (Timeout timeout = Timeout.start(LONG)) {
                inTimeout.countDown();
                Green.sleep(LONG);
            }
        });
        GreenTest.await(inTimeout);
        job.kill();
        assertInstanceOf(GreenletExit.class, job.exception());
    }

    // A kill that came while a blocking call or a close reported a timeout (and cleared its interrupt) was lost
    // with that interrupt: the greenlet handled its Expired, waited again, and its kill() waited for ever. Holding
    // the monitor of an enclosing Timeout stops the greenlet inside that window, so the kill lands there each time.
    @Test
    void aKillWhileATimeoutIsReportedStillEndsTheGreenlet() {
        for (boolean reportedByClose : new boolean[] {false, true}) {
            AtomicReference<Timeout> enclosing = new AtomicReference<>();
            AtomicReference<Thread> thread = new AtomicReference<>();
            CountDownLatch go = new CountDownLatch(1);
            CountDownLatch armed = new CountDownLatch(1);
            Greenlet<Void> job = Green.spawn(() -> {
                try (Timeout outer = Timeout.start(LONG)) {
                    enclosing.set(outer);
                    thread.set(Thread.currentThread());
                    armed.countDown();
                    GreenTest.await(go);
                    if (reportedByClose) {
                        Green.withTimeout(Duration.ZERO, () -> {
                            while (!Thread.currentThread().isInterrupted()) {
                                Thread.onSpinWait(); // busy past the deadline: the close reports it
                            }
                        });
                    } else {
                        try (Timeout inner = Timeout.start(Duration.ZERO)) {
                            Green.sleep(LONG);
                        } catch (Timeout.Expired handled) {
                            // this block's own deadline
                        }
                    }
                    new Event().await();
                }
            });
            GreenTest.await(armed);
            synchronized (enclosing.get()) {
                go.countDown();
                while (thread.get().getState() != Thread.State.BLOCKED) {
                    Thread.onSpinWait();
                }
                job.kill(Duration.ZERO);
            }
            boolean ended = job.join(Duration.ofSeconds(5));
            job.kill();
            assertTrue(ended, "the kill was lost (reported by close: " + reportedByClose + ")");
            assertInstanceOf(GreenletExit.class, job.exception());
        }
    }

    @Test
    void aTimeoutEndsAKillThatWaitsForAGreenletIgnoringIt() {
        CountDownLatch release = new CountDownLatch(1);
        Greenlet<Void> stubborn = GreenTest.spawnIgnoringKillsUntil(release);
        try (Timeout timeout = Timeout.start(SHORT)) {
            assertSame(timeout, assertThrows(Timeout.Expired.class, stubborn::kill).timeout());
        } finally {
            release.countDown();
        }
        assertFalse(Thread.currentThread().isInterrupted());
        stubborn.join();
        assertInstanceOf(GreenletExit.class, stubborn.exception(), "the kill stands");
    }

    @Test
    void timeoutInsideAGreenletEndsItsWait() {
        Greenlet<String> job = Green.spawn(() -> {
            try (Timeout timeout = Timeout.start(SHORT)) {
                new Event().await();
                return "set";
            } catch (Timeout.Expired e) {
                return Thread.currentThread().isInterrupted() ? "expired, interrupted" : "expired";
            }
        });
        assertEquals("expired", job.get(LONG));
    }

    @Test
    void timedJoinThatRunsOutIsNotATimeoutFiring() {
        long start = System.nanoTime();
        try (Timeout timeout = Timeout.start(LONG)) {
            assertTrue(Green.spawn(() -> { }).join(LONG));
        }
        assertTrue(System.nanoTime() - start < LONG.toNanos());
    }
}

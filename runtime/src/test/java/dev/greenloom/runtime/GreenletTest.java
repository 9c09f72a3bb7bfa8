package dev.greenloom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(120)
class GreenletTest {
    @Test
    void aCallbackLinkedWhileTheGreenletFinishesSeesItsValue() {
        // link() racing finish(): the callback must never run before value() is visible.
        int rounds = 100_000;
        AtomicInteger missing = new AtomicInteger();
        CountDownLatch called = new CountDownLatch(rounds);
        for (int i = 0; i < rounds; i++) {
            int x = i;
            Green.spawn(() -> x).link(job -> {
                if (job.value() == null || !job.ready()) {
                    missing.incrementAndGet();
                }
                called.countDown();
            });
        }
        GreenTest.await(called);
        assertEquals(0, missing.get());
    }

    private static final Duration LONG = Duration.ofSeconds(30);

    // gevent's echo server: one greenlet per connection; 5,000 clients connected at once.
    @Test
    void echoServerServesFiveThousandConcurrentClients() throws IOException {
        int clients = 5_000;
        AtomicInteger open = new AtomicInteger();
        AtomicInteger mostOpen = new AtomicInteger();
        Group handlers = new Group();
        try (ServerSocket server = new ServerSocket(0, clients, InetAddress.getLoopbackAddress())) {
            Greenlet<Void> acceptor = Green.spawn(() -> {
                while (true) {
                    Socket connection = server.accept();
                    mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                    handlers.spawn(() -> {
                        try (connection) {
                            echo(connection);
                        } finally {
                            open.decrementAndGet();
                        }
                        return null;
                    });
                }
            });
            CountDownLatch allAnswered = new CountDownLatch(clients);
            List<Greenlet<String>> jobs = IntStream.range(0, clients).mapToObj(i -> Green.spawn(() -> {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    String answer = exchange(socket, "hello " + i + "\n");
                    allAnswered.countDown();
                    allAnswered.await(); // hold the connection until every client got its answer
                    return answer;
                }
            })).toList();

            Green.joinAll(jobs, Duration.ofSeconds(90));
            acceptor.kill();
            handlers.join(LONG);

            for (int i = 0; i < clients; i++) {
                assertEquals("hello " + i + "\n", jobs.get(i).get(Duration.ZERO));
            }
            assertEquals(clients, mostOpen.get(), "connections served at once");
            assertInstanceOf(GreenletExit.class, acceptor.exception());
        }
    }

    private static void echo(Socket connection) throws IOException {
        InputStream in = connection.getInputStream();
        OutputStream out = connection.getOutputStream();
        byte[] buffer = new byte[64];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
        }
    }

    private static String exchange(Socket socket, String line) throws IOException {
        byte[] sent = line.getBytes(StandardCharsets.US_ASCII);
        socket.getOutputStream().write(sent);
        byte[] received = socket.getInputStream().readNBytes(sent.length);
        return new String(received, StandardCharsets.US_ASCII);
    }

    @Test
    void killEndsAGreenletBlockedInASocketReadPromptly() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CountDownLatch connected = new CountDownLatch(1);
            Greenlet<Integer> reader = Green.spawn(() -> {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    connected.countDown();
                    return socket.getInputStream().read(); // the server never writes
                }
            });
            try (Socket accepted = server.accept()) {
                GreenTest.await(connected);
                long start = System.nanoTime();

                assertTrue(reader.kill(Duration.ofSeconds(10)), "ended");

                assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0);
                assertInstanceOf(GreenletExit.class, reader.exception());
                assertFalse(reader.successful());
            }
        }
    }

    // The issue: a killed socket-blocked greenlet "ends with a GreenletExit-like outcome, not success",
    // also when its handler catches the IOException the interrupt caused and returns, as handlers do.
    @Test
    void killEndsAHandlerThatCatchesTheSocketsIOExceptionAsKilled() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CountDownLatch connected = new CountDownLatch(1);
            Greenlet<String> handler = Green.spawn(() -> {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    connected.countDown();
                    socket.getInputStream().read(); // the server never writes
                    return "read";
                } catch (IOException e) {
                    return "connection closed";
                }
            });
            try (Socket accepted = server.accept()) {
                GreenTest.await(connected);

                assertTrue(handler.kill(Duration.ofSeconds(10)), "ended");

                assertInstanceOf(GreenletExit.class, handler.exception());
                assertFalse(handler.successful());
                assertNull(handler.value());
            }
        }
    }

    @Test
    void killedGreenletSeesGreenletExitWithInterruptStatusKept() {
        AsyncResult<Boolean> interruptedInside = new AsyncResult<>();
        CountDownLatch sleeping = new CountDownLatch(1);
        Greenlet<Void> sleeper = Green.spawn(() -> {
            try {
                sleeping.countDown();
                Green.sleep(LONG);
            } catch (GreenletExit e) {
                interruptedInside.set(Thread.currentThread().isInterrupted());
                throw e;
            }
        });
        GreenTest.await(sleeping);

        sleeper.kill();

        assertTrue(interruptedInside.get());
        assertInstanceOf(GreenletExit.class, sleeper.exception());
        CompletionException e = assertThrows(CompletionException.class, sleeper::get);
        assertSame(sleeper.exception(), e.getCause());
    }

    @Test
    void killOfAFinishedGreenletChangesNothing() {
        Greenlet<String> done = Green.spawn(() -> "value");
        done.join();
        done.kill();
        assertTrue(done.successful());
        assertEquals("value", done.value());
    }

    @Test
    void killWithANullTimeoutThrowsBeforeKilling() {
        Greenlet<Void> sleeper = Green.spawn(() -> Green.sleep(Duration.ofSeconds(30)));
        assertEquals("timeout == null", assertThrows(NullPointerException.class, () -> sleeper.kill(null)).getMessage());
        assertFalse(sleeper.join(Duration.ofMillis(50)), "a rejected kill(null) killed the greenlet");
        sleeper.kill();
    }

    @Test
    void killWithZeroTimeoutDoesNotWait() {
        CountDownLatch proceed = new CountDownLatch(1);
        Greenlet<Void> stubborn = GreenTest.spawnIgnoringKillsUntil(proceed);
        assertFalse(stubborn.kill(Duration.ZERO));
        proceed.countDown();
        stubborn.join();
        assertInstanceOf(GreenletExit.class, stubborn.exception(), "a task that swallows the kill still ends killed");
    }

    @Test
    void getReturnsTheValueAndValueIsNullUntilThen() {
        CountDownLatch release = new CountDownLatch(1);
        Greenlet<String> job = Green.spawn(() -> {
            release.await();
            return "answer";
        });
        assertNull(job.value());
        assertFalse(job.ready());
        release.countDown();
        assertEquals("answer", job.get());
        assertEquals("answer", job.value());
        assertTrue(job.successful());
        assertNull(job.exception());
    }

    @Test
    void getWrapsTheFailureInCompletionException() {
        IllegalStateException boom = new IllegalStateException("boom");
        Greenlet<String> job = Green.spawn(() -> {
            throw boom;
        });
        CompletionException e = assertThrows(CompletionException.class, job::get);
        assertSame(boom, e.getCause());
        assertSame(boom, job.exception());
        assertNull(job.value());
        assertFalse(job.successful());
    }

    @Test
    void getWithTimeoutThrowsExpiredAndLeavesTheGreenletRunning() {
        CountDownLatch release = new CountDownLatch(1);
        Greenlet<String> job = Green.spawn(() -> {
            release.await();
            return "late";
        });
        Timeout.Expired e = assertThrows(Timeout.Expired.class, () -> job.get(Duration.ofMillis(50)));
        assertNull(e.timeout());
        assertFalse(job.ready());
        release.countDown();
        assertEquals("late", job.get(LONG));
    }

    @Test
    void joinWithTimeoutReturnsFalseWhileRunning() {
        CountDownLatch release = new CountDownLatch(1);
        Greenlet<Void> job = Green.spawn(() -> GreenTest.await(release));
        assertFalse(job.join(Duration.ofMillis(20)));
        release.countDown();
        assertTrue(job.join(LONG));
    }

    @Test
    void linkCallbacksRunInOrderAndAFailingOneDoesNotStopTheOthers() {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch linksDone = new CountDownLatch(1);
        Greenlet<String> job = Green.spawn(() -> {
            release.await();
            return "v";
        });
        List<String> calls = Collections.synchronizedList(new ArrayList<>());
        job.link(g -> calls.add("first " + g.value()));
        job.link(g -> {
            calls.add("second");
            throw new IllegalStateException("callback failure goes to the uncaught handler");
        });
        job.link(g -> {
            calls.add("third");
            linksDone.countDown();
        });

        release.countDown();
        GreenTest.await(linksDone);

        assertEquals(List.of("first v", "second", "third"), calls);
        assertTrue(job.successful());
    }

    @Test
    void aFailingCallbackOnTheGreenletsThreadIsReportedUnderTheGreenletsName() {
        CountDownLatch release = new CountDownLatch(1);
        Greenlet<Void> job = Green.spawn(() -> GreenTest.await(release));
        AtomicReference<String> reportedBy = new AtomicReference<>();
        CountDownLatch reported = new CountDownLatch(1);
        Thread.UncaughtExceptionHandler saved = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            reportedBy.set(thread.getName());
            reported.countDown();
        });
        try {
            job.link(g -> {
                throw new IllegalStateException("callback failure");
            });
            release.countDown();
            GreenTest.await(reported);
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(saved);
        }
        assertEquals(job.name(), reportedBy.get());
    }

    /**
     * The JVM ignores what an uncaught exception handler throws; so must the callbacks, or the other
     * callbacks never run and every join waits forever.
     */
    @Test
    void aHandlerThatThrowsForAFailingCallbackStopsNeitherTheOtherCallbacksNorTheJoins() {
        CountDownLatch release = new CountDownLatch(1);
        Greenlet<Void> job = Green.spawn(() -> GreenTest.await(release));
        AtomicInteger later = new AtomicInteger();
        Thread.UncaughtExceptionHandler saved = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            throw new IllegalStateException("the handler fails too");
        });
        try {
            job.link(g -> {
                throw new IllegalStateException("callback failure");
            });
            job.link(g -> later.incrementAndGet());
            release.countDown();
            assertTrue(job.join(Duration.ofSeconds(10)), "the callbacks never finished");
            assertEquals(1, later.get());
            job.link(g -> {
                throw new IllegalStateException("callback failure, run at once by link");
            });
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(saved);
        }
    }

    // gevent's g.link(cb); g.join(): the callback has run when join (or get, or joinAll) returns.
    @Test
    void joinAndGetReturnAfterTheCallbacksLinkedBeforeRan() {
        for (int round = 0; round < 3; round++) {
            CountDownLatch linked = new CountDownLatch(1);
            Greenlet<String> job = Green.spawn(() -> {
                linked.await();
                return "done";
            });
            AtomicReference<String> seen = new AtomicReference<>();
            job.link(g -> {
                Green.sleep(Duration.ofMillis(100));
                seen.set(g.value());
            });
            linked.countDown();
            switch (round) {
                case 0 -> job.join();
                case 1 -> job.get();
                default -> Green.joinAll(List.of(job));
            }
            assertEquals("done", seen.get(), "round " + round);
        }
    }

    @Test
    void joinAllWithTimeoutReturnsAfterTheCallbacksOfAGreenletThatEndedJustBefore() {
        CountDownLatch inCallback = new CountDownLatch(1);
        AtomicReference<String> seen = new AtomicReference<>();
        Greenlet<String> job = Green.spawn(() -> "done");
        job.link(g -> {
            inCallback.countDown();
            Green.sleep(Duration.ofMillis(100));
            seen.set(g.value());
        });
        GreenTest.await(inCallback);

        assertEquals(List.of(job), Green.joinAll(List.of(job), Duration.ofSeconds(30)));

        assertEquals("done", seen.get());
    }

    /** A greenlet ended, its one callback running until {@code release} is set (after 5 s at the latest). */
    private static Greenlet<String> endedWithCallbackRunningUntil(Event release) {
        Green.spawnLater(Duration.ofSeconds(5), release::set); // so that a waiter that cannot be stopped fails, not hangs
        CountDownLatch linked = new CountDownLatch(1);
        CountDownLatch inCallback = new CountDownLatch(1);
        Greenlet<String> job = Green.spawn(() -> {
            linked.await();
            return "done";
        });
        job.link(g -> {
            inCallback.countDown();
            release.await();
        });
        linked.countDown();
        GreenTest.await(inCallback);
        return job;
    }

    @Test
    void aWaitForCallbacksParksInsteadOfSpinning() throws InterruptedException {
        Event release = new Event();
        Greenlet<String> job = endedWithCallbackRunningUntil(release);
        Thread joiner = Thread.ofPlatform().start(job::join);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (joiner.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.State state = joiner.getState();
        release.set();
        joiner.join();
        assertEquals(Thread.State.WAITING, state, "a joiner burnt a core while the callback ran");
    }

    @Test
    void aTimeoutOrAKillEndsAWaitForCallbacks() {
        Event release = new Event();
        Greenlet<String> job = endedWithCallbackRunningUntil(release);
        try {
            assertThrows(Timeout.Expired.class, () -> {
                try (var timeout = Timeout.start(Duration.ofMillis(50))) {
                    job.join();
                }
            });
            assertFalse(Thread.currentThread().isInterrupted());
            Greenlet<Void> joiner = Green.spawn(() -> job.join());
            assertFalse(joiner.join(Duration.ofMillis(50)));
            assertTrue(joiner.kill(Duration.ofSeconds(10)), "a kill left the joiner waiting for callbacks");
            assertInstanceOf(GreenletExit.class, joiner.exception());
        } finally {
            release.set();
        }
    }

    @Test
    void aTimedJoinIsFalseWhileTheCallbacksRun() {
        Event release = new Event();
        Greenlet<String> job = endedWithCallbackRunningUntil(release);
        try {
            assertFalse(job.join(Duration.ofMillis(50)));
            assertEquals(List.of(), Green.joinAll(List.of(job), Duration.ofMillis(50)));
            assertEquals("done", job.get(Duration.ofMillis(50)), "ready, so a timed get has the value");
        } finally {
            release.set();
        }
        assertTrue(job.join(Duration.ofSeconds(10)));
    }

    @Test
    void aCallbackMayJoinItsOwnGreenletAndAnotherOneEndingMeanwhile() {
        CountDownLatch go = new CountDownLatch(1);
        Greenlet<String> first = Green.spawn(() -> {
            go.await();
            return "first";
        });
        Greenlet<String> second = Green.spawn(() -> {
            go.await();
            return "second";
        });
        AsyncResult<String> seen = new AsyncResult<>();
        first.link(g -> seen.set(g.get() + " " + second.get()));
        second.link(g -> first.join());
        go.countDown();
        assertEquals("first second", seen.get(Duration.ofSeconds(30)));
        second.join();
    }

    @Test
    void linkOnAFinishedGreenletRunsAtOnceAndReportsItsExceptionToTheHandler() {
        Greenlet<String> job = Green.spawn(() -> "v");
        job.join();
        List<Throwable> reported = new ArrayList<>();
        Thread current = Thread.currentThread();
        Thread.UncaughtExceptionHandler saved = current.getUncaughtExceptionHandler();
        current.setUncaughtExceptionHandler((t, e) -> reported.add(e));
        try {
            job.link(g -> {
                throw new IllegalStateException("bad callback");
            });
        } finally {
            current.setUncaughtExceptionHandler(saved);
        }
        assertEquals(1, reported.size());
        assertEquals("bad callback", reported.getFirst().getMessage());
        assertTrue(job.successful());
    }

    @Test
    void linkCallbacksRunWithoutTheKillInterrupt() {
        AsyncResult<Boolean> interrupted = new AsyncResult<>();
        CountDownLatch started = new CountDownLatch(1);
        Greenlet<Void> job = Green.spawn(() -> {
            started.countDown();
            Green.sleep(LONG);
        });
        job.link(g -> interrupted.set(Thread.currentThread().isInterrupted()));
        GreenTest.await(started);
        job.kill();
        assertFalse(interrupted.get(LONG));
    }

    @Test
    void aKillRacingTheFinishNeverInterruptsTheLinkCallbacks() {
        // kill() racing finish(): an interrupt that lands after finish() cleared the status would reach
        // the callbacks. Two killers hammer each batch of greenlets until all their callbacks ran.
        AtomicInteger interrupted = new AtomicInteger();
        for (int round = 0; round < 200; round++) {
            int batch = 50;
            CountDownLatch called = new CountDownLatch(batch);
            List<Greenlet<Integer>> jobs = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                int x = i;
                Greenlet<Integer> job = Green.spawn(() -> spin(x));
                job.link(g -> {
                    spin(x);
                    if (Thread.currentThread().isInterrupted()) {
                        interrupted.incrementAndGet();
                    }
                    called.countDown();
                });
                jobs.add(job);
            }
            Runnable killer = () -> {
                while (called.getCount() > 0) {
                    jobs.forEach(job -> job.kill(Duration.ZERO));
                    Green.sleep(Duration.ZERO); // two busy killers would hold both carriers of a 2-core machine
                }
            };
            Green.joinAll(List.of(Green.spawn(killer), Green.spawn(killer)));
        }
        assertEquals(0, interrupted.get());
    }

    /** Busy for about 20 microseconds, deaf to interrupts, so that kills land while greenlets finish. */
    private static int spin(int x) {
        long end = System.nanoTime() + 20_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        return x;
    }

    @Test
    void currentIsTheRunningGreenletAndNullOutside() {
        assertNull(Greenlet.current());
        AsyncResult<Greenlet<?>> seen = new AsyncResult<>();
        Greenlet<Void> job = Green.spawn(() -> {
            seen.set(Greenlet.current());
        });
        assertSame(job, seen.get(LONG));
    }

    @Test
    void currentIsNullInLinkCallbacksOfTheFinishedGreenlet() {
        CountDownLatch go = new CountDownLatch(1);
        AsyncResult<Boolean> sawNone = new AsyncResult<>();
        Greenlet<Void> job = Green.spawn(() -> GreenTest.await(go));
        job.link(g -> sawNone.set(Greenlet.current() == null));
        go.countDown();
        assertTrue(sawNone.get(LONG));
    }

    @Test
    void namesAreUniqueAndToStringShowsTheState() {
        Greenlet<String> a = Green.spawn(() -> "a");
        Greenlet<String> b = Green.spawn(() -> {
            throw new IllegalStateException();
        });
        a.join();
        b.join();
        assertNotEquals(a.name(), b.name());
        assertTrue(a.name().startsWith("greenlet-"));
        assertEquals(a.name() + "[ok]", a.toString());
        assertEquals(b.name() + "[failed]", b.toString());
    }

    @Test
    void toStringOfAGreenletWaitingForItsSpawnLaterDelaySaysScheduled() {
        Greenlet<String> later = Green.spawnLater(Duration.ofMinutes(1), () -> "late");
        assertEquals(later.name() + "[scheduled]", later.toString());
        later.kill();
        assertEquals(later.name() + "[killed]", later.toString());
    }

    @Test
    void toStringTellsATimedOutGreenletFromAKilledOne() {
        Greenlet<Void> timedOut = Green.spawn(() -> {
            try (Timeout timeout = Timeout.start(Duration.ofMillis(10))) {
                Green.sleep(Duration.ofMinutes(1));
            }
        });
        Greenlet<Void> killed = Green.spawn(() -> Green.sleep(Duration.ofMinutes(1)));
        timedOut.join();
        killed.kill();
        assertEquals(timedOut.name() + "[timed out]", timedOut.toString());
        assertEquals(killed.name() + "[killed]", killed.toString());
    }

    // gevent's time.sleep ported as Thread.sleep: the Timeout's close() reports itself on the InterruptedException.
    @Test
    void aGreenletWhoseTimeoutInterruptedAJdkCallEndsTimedOutNotKilled() {
        Greenlet<String> job = Green.spawn(() -> {
            try (Timeout timeout = Timeout.start(Duration.ofMillis(10))) {
                Thread.sleep(60_000);
                return "slept";
            }
        });
        job.join();
        Timeout.Expired expired = assertInstanceOf(Timeout.Expired.class, job.exception());
        assertInstanceOf(InterruptedException.class, expired.getCause());
        assertEquals(job.name() + "[timed out]", job.toString());
    }

    @Test
    void aTaskThrowingInterruptedExceptionEndsKilled() {
        Greenlet<Void> job = Green.spawn(() -> {
            throw new InterruptedException("from the task");
        });
        job.join();
        assertInstanceOf(GreenletExit.class, job.exception());
        assertInstanceOf(InterruptedException.class, job.exception().getCause());
    }
}

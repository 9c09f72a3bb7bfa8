package dev.greenloom.runtime.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.greenloom.runtime.AsyncResult;
import dev.greenloom.runtime.BoundedSemaphore;
import dev.greenloom.runtime.Event;
import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.Greenlet;
import dev.greenloom.runtime.GreenletExit;
import dev.greenloom.runtime.Group;
import dev.greenloom.runtime.Pool;
import dev.greenloom.runtime.Queue;
import dev.greenloom.runtime.Timeout;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The examples of "gevent For the Working Python Developer" (sdiehl.github.io/gevent-tutorial), as
 * its reader would port them, from outside the package: times are shortened, and where greenlets
 * run in parallel only what gevent's output promises regardless of scheduling is checked.
 */
@org.junit.jupiter.api.Timeout(60)
class GeventTutorialTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private final List<String> printed = Collections.synchronizedList(new ArrayList<>());

    private void print(Object... parts) {
        StringBuilder line = new StringBuilder();
        for (Object part : parts) {
            line.append(line.isEmpty() ? "" : " ").append(part);
        }
        printed.add(line.toString());
    }

    private void foo(String message, int n) {
        Green.sleep(Duration.ofMillis(100L * n));
        print(message);
    }

    // "Synchronous & Asynchronous Execution": foo and bar yield to each other with sleep(0).
    @Test
    void contextSwitchesWithSleepZero() {
        Greenlet<Void> foo = Green.spawn(() -> {
            print("Running in foo");
            Green.sleep(Duration.ZERO);
            print("Explicit context switch to foo again");
        });
        Greenlet<Void> bar = Green.spawn(() -> {
            print("Explicit context to bar");
            Green.sleep(Duration.ZERO);
            print("Implicit context switch back to bar");
        });

        Green.joinAll(List.of(foo, bar));

        // In parallel, only each greenlet's own order is promised, not gevent's interleaving.
        assertEquals(4, printed.size());
        assertTrue(printed.indexOf("Running in foo") < printed.indexOf("Explicit context switch to foo again"));
        assertTrue(printed.indexOf("Explicit context to bar") < printed.indexOf("Implicit context switch back to bar"));
    }

    // The select() example: two greenlets block in a 500 ms select while a third goes on; 0.5 s in all, not 1.25 s.
    @Test
    void blockingSelectsRunConcurrently() {
        Duration poll = Duration.ofMillis(500);
        long start = System.nanoTime();
        Runnable gr = () -> {
            print("Started Polling");
            try (Selector selector = Selector.open()) {
                selector.select(poll.toMillis());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            print("Ended Polling");
        };
        Greenlet<Void> gr3 = Green.spawn(() -> {
            Green.sleep(Duration.ofMillis(100));
            print("Hey lets do some stuff while the greenlets poll");
            Green.sleep(Duration.ofMillis(150));
        });

        Green.joinAll(List.of(Green.spawn(gr), Green.spawn(gr), gr3));

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(poll) >= 0 && took.compareTo(poll.multipliedBy(2)) < 0, "took " + took);
        assertEquals("Hey lets do some stuff while the greenlets poll", printed.get(2));
        assertEquals(List.of("Ended Polling", "Ended Polling"), printed.subList(3, 5));
    }

    // "Determinism": gevent's pool gives one order every run; greenlets here run in parallel, so only the results are the same.
    @Test
    void imapUnorderedOnAPoolYieldsEveryResultInSomeOrder() {
        Pool p = new Pool(10);
        List<Integer> items = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        for (int run = 0; run < 4; run++) {
            List<Integer> results = new ArrayList<>();
            p.imapUnordered(i -> {
                Green.sleep(Duration.ofMillis(1));
                return i;
            }, items).forEach(results::add);
            assertEquals(new HashSet<>(items), new HashSet<>(results));
            assertEquals(items.size(), results.size());
        }
    }

    // "Spawning Greenlets": a named function with arguments, and a lambda's value.
    @Test
    void spawningGreenlets() {
        Greenlet<Void> thread1 = Green.spawn(() -> foo("Hello", 1));
        Greenlet<Void> thread2 = Green.spawn(() -> foo("I live!", 2));
        Greenlet<Integer> thread3 = Green.spawn(() -> 2 + 1);

        Green.joinAll(List.of(thread1, thread2, thread3));

        assertEquals(List.of("Hello", "I live!"), printed);
        assertEquals(3, thread3.value());
    }

    // "Greenlet State": exceptions raised in the greenlet stay inside it.
    @Test
    void greenletState() {
        Greenlet<String> winner = Green.spawn(() -> "You win!");
        Greenlet<Object> loser = Green.spawn(() -> {
            throw new Exception("You fail at failing.");
        });

        Green.joinAll(List.of(winner, loser)); // never throws

        assertEquals("You win!", winner.value());
        assertNull(loser.value());
        assertTrue(winner.ready() && loser.ready());
        assertTrue(winner.successful());
        assertFalse(loser.successful());
        assertEquals("You fail at failing.", loser.exception().getMessage());
        assertSame(loser.exception(), assertThrows(CompletionException.class, loser::get).getCause());
    }

    // "Timeouts": a Timeout around a join, a timed get, and gevent.with_timeout(1, wait).
    @Test
    void timeouts() {
        Duration timeLimit = Duration.ofMillis(50);
        Runnable wait = () -> Green.sleep(LONG);
        List<Greenlet<Void>> threads = new ArrayList<>();
        try (var timeout = Timeout.start(timeLimit)) {
            threads.add(Green.spawn(wait));
            threads.getLast().join();
        } catch (Timeout.Expired e) {
            print("Could not complete");
        }
        threads.add(Green.spawn(wait));
        try {
            threads.getLast().get(timeLimit);
        } catch (Timeout.Expired e) {
            print("Thread 2 timed out");
        }
        try {
            Green.withTimeout(timeLimit, wait);
        } catch (Timeout.Expired e) {
            print("Thread 3 timed out");
        }

        assertEquals(List.of("Could not complete", "Thread 2 timed out", "Thread 3 timed out"), printed);
        assertFalse(Thread.currentThread().isInterrupted());
        Green.killAll(threads);
    }

    // "Timeouts", first form: Timeout(seconds).start() outside a with block, then closed once it was reported.
    @Test
    void aTimeoutStartedBeforeTheTryIsReportedOnce() {
        Timeout timeout = Timeout.start(Duration.ofMillis(50));
        Greenlet<Void> waiting = Green.spawn(() -> Green.sleep(LONG));
        try {
            waiting.join();
        } catch (Timeout.Expired e) {
            assertSame(timeout, e.timeout());
            print("Could not complete");
        }
        timeout.close(); // already reported: throws nothing more

        assertEquals(List.of("Could not complete"), printed);
        assertFalse(Thread.currentThread().isInterrupted());
        waiting.kill();
    }

    /** The tutorial's TooLong: gevent's Timeout(seconds, TooLong) raises it; here Expired is caught and turned into it. */
    private static final class TooLong extends RuntimeException {
        TooLong(Throwable cause) {
            super(cause);
        }
    }

    // "Timeouts" as a context manager with an exception of one's own, in a greenlet (the "Timeout in spawn" form).
    @Test
    void aTimeoutInAGreenletFailsItWithTheCallersOwnException() {
        Greenlet<Void> job = Green.spawn(() -> {
            try (var timeout = Timeout.start(Duration.ofMillis(50))) {
                Green.sleep(LONG);
            } catch (Timeout.Expired e) {
                throw new TooLong(e);
            }
        });

        job.join();

        assertInstanceOf(TooLong.class, job.exception());
        assertInstanceOf(Timeout.Expired.class, job.exception().getCause());
        assertFalse(job.successful());
    }

    // "Queues", first example: the boss fills the queue with put_nowait, then workers take until it is empty.
    @Test
    void workersDrainAQueueFilledBeforehand() {
        Queue<Integer> tasks = new Queue<>();
        Green.spawn(() -> {
            for (int i = 1; i < 25; i++) {
                assertTrue(tasks.offer(i));
            }
        }).join();
        Set<Integer> got = ConcurrentHashMap.newKeySet();
        List<Greenlet<Void>> workers = new ArrayList<>();
        for (String n : List.of("steve", "john", "nancy")) {
            workers.add(Green.spawn(() -> {
                // gevent's "while not tasks.empty(): tasks.get()" races here (README): poll takes or says empty at once.
                for (Integer task; (task = tasks.poll()) != null; ) {
                    assertTrue(got.add(task), "task " + task + " taken twice");
                    Green.sleep(Duration.ZERO);
                }
                print("Quitting time!");
            }));
        }

        Green.joinAllOrThrow(workers);

        assertEquals(24, got.size());
        assertEquals(List.of("Quitting time!", "Quitting time!", "Quitting time!"), printed);
        assertTrue(tasks.isEmpty());
    }

    // "Events": an AsyncResult as a plain event, then carrying a value; and gevent's Event.
    @Test
    void eventsWakeTheirWaiters() {
        AsyncResult<Void> a = new AsyncResult<>();
        Green.joinAll(List.of(
                Green.spawn(() -> {
                    Green.sleep(Duration.ofMillis(30));
                    a.set(null);
                }),
                Green.spawn(() -> {
                    a.get();
                    print("I live!");
                })));
        AsyncResult<String> b = new AsyncResult<>();
        Green.joinAll(List.of(
                Green.spawn(() -> {
                    Green.sleep(Duration.ofMillis(30));
                    b.set("Hello!");
                }),
                Green.spawn(() -> print(b.get()))));
        Event evt = new Event();
        Green.joinAll(List.of(
                Green.spawn(() -> {
                    Green.sleep(Duration.ofMillis(30));
                    evt.set();
                }),
                Green.spawn(() -> {
                    evt.await();
                    print("Event set");
                })));

        assertEquals(List.of("I live!", "Hello!", "Event set"), printed);
    }

    // "Queues", second example: a boss fills a queue of 3 while workers drain it, until get(timeout=1) raises Empty.
    @Test
    void bossAndWorkersShareABoundedQueueUntilItStaysEmpty() {
        Queue<Integer> tasks = new Queue<>(3);
        Runnable boss = () -> {
            for (int i = 1; i < 10; i++) {
                tasks.put(i);
            }
            print("Assigned all work in iteration 1");
            for (int i = 10; i < 20; i++) {
                tasks.put(i);
            }
            print("Assigned all work in iteration 2");
        };
        AtomicInteger got = new AtomicInteger();
        List<Greenlet<Void>> jobs = new ArrayList<>(List.of(Green.spawn(boss)));
        for (String n : List.of("steve", "john", "bob")) {
            jobs.add(Green.spawn(() -> {
                try {
                    while (true) {
                        int task = tasks.get(Duration.ofSeconds(1));
                        got.addAndGet(task);
                        Green.sleep(Duration.ZERO);
                    }
                } catch (Queue.Empty e) {
                    print("Quitting time!");
                }
            }));
        }

        Green.joinAll(jobs);

        assertEquals(19 * 20 / 2, got.get());
        assertEquals(List.of("Assigned all work in iteration 1", "Assigned all work in iteration 2"),
                printed.subList(0, 2));
        assertEquals(5, printed.size());
    }

    // "Groups and Pools": hello_from reports its group and its own greenlet; imap_unordered yields the fastest first.
    @Test
    void groupMapAndImapUnordered() {
        Group group = new Group();
        List<String> names = group.map(n -> {
            assertTrue(group.size() >= 1 && group.size() <= 3);
            return Greenlet.current().name();
        }, List.of(0, 1, 2));
        assertEquals(3, new HashSet<>(names).size());

        List<String> unordered = new ArrayList<>();
        for (String i : new Group().imapUnordered(n -> {
            Green.sleep(Duration.ofMillis(100L * (3 - n)));
            return "task " + n;
        }, List.of(0, 1, 2))) {
            unordered.add(i);
        }
        assertEquals(List.of("task 2", "task 1", "task 0"), unordered);
    }

    // "Groups and Pools": hello_from in a Pool(2) sees at most 2 members (gevent prints 2, 2, 1).
    @Test
    void aPoolOfTwoNeverHoldsMoreThanTwo() {
        Pool pool = new Pool(2);
        List<Integer> sizes = pool.map(n -> pool.size(), List.of(0, 1, 2));
        assertEquals(3, sizes.size());
        sizes.forEach(size -> assertTrue(size >= 1 && size <= 2, "size of pool " + size));
    }

    /** The tutorial's SocketPool: a handler per socket while the pool has room, all killed on shutdown. */
    private static final class SocketPool {
        final Pool pool = new Pool(2);

        void listen(Socket socket) throws IOException {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // gevent's socket.recv(), forever
            }
        }

        Greenlet<?> addHandler(Socket socket) {
            if (pool.full()) {
                throw new IllegalStateException("At maximum pool size");
            }
            return pool.spawn(() -> {
                listen(socket);
                return null;
            });
        }

        void shutdown() {
            pool.kill();
        }
    }

    @Test
    void aSocketPoolRefusesHandlersWhenFullAndKillsThemOnShutdown() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Socket a = new Socket(server.getInetAddress(), server.getLocalPort());
                Socket b = new Socket(server.getInetAddress(), server.getLocalPort());
                Socket c = new Socket(server.getInetAddress(), server.getLocalPort())) {
            SocketPool sockets = new SocketPool();
            List<Greenlet<?>> handlers = List.of(sockets.addHandler(a), sockets.addHandler(b));
            assertThrows(IllegalStateException.class, () -> sockets.addHandler(c));

            sockets.shutdown();

            handlers.forEach(handler -> assertInstanceOf(GreenletExit.class, handler.exception()));
            assertEquals(2, sockets.pool.freeCount());
        }
    }

    // "Locks and Semaphores": two workers acquire and release by hand, three others in a try/finally (gevent's "with sem").
    @Test
    void boundedSemaphoreWorkers() {
        BoundedSemaphore sem = new BoundedSemaphore(2);
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Pool pool = new Pool(10);
        pool.map(n -> {
            sem.acquire();
            most.accumulateAndGet(holders.incrementAndGet(), Math::max);
            Green.sleep(Duration.ZERO);
            holders.decrementAndGet();
            sem.release();
            return null;
        }, List.of(0, 1));
        pool.map(n -> {
            sem.acquire();
            try {
                most.accumulateAndGet(holders.incrementAndGet(), Math::max);
                Green.sleep(Duration.ofMillis(10));
                holders.decrementAndGet();
            } finally {
                sem.release();
            }
            return null;
        }, List.of(3, 4, 5));

        assertTrue(most.get() <= 2, "at most 2 holders at once, saw " + most.get());
        assertEquals(2, sem.availablePermits());
    }

    // "Thread Locals": gevent.local is a ThreadLocal, each greenlet being its own thread.
    @Test
    void threadLocalsAreLocalToEachGreenlet() {
        ThreadLocal<Integer> x = new ThreadLocal<>();
        Greenlet<Void> g1 = Green.spawn(() -> x.set(1));
        Greenlet<Integer> g2 = Green.spawn(() -> {
            g1.join();
            return x.get();
        });

        Green.joinAll(List.of(g1, g2));

        assertTrue(g1.successful());
        assertNull(g2.value(), "x is not local to f2");
    }

    /** The tutorial's Actor: gevent subclasses Greenlet; here an inbox and a greenlet running the loop. */
    private abstract static class Actor {
        final Queue<String> inbox = new Queue<>();

        abstract void receive(String message);

        Greenlet<Void> start() {
            return Green.spawn(() -> {
                while (true) {
                    receive(inbox.get());
                }
            });
        }
    }

    // "Actors": a pinger and a ponger exchange messages through their inboxes (forever in gevent; here 100 rounds).
    @Test
    void actorsPingPong() {
        AtomicInteger rounds = new AtomicInteger();
        Event done = new Event();
        Actor[] pong = new Actor[1];
        Actor ping = new Actor() {
            @Override
            void receive(String message) {
                if (rounds.incrementAndGet() == 100) {
                    done.set();
                }
                pong[0].inbox.put("ping");
                Green.sleep(Duration.ZERO);
            }
        };
        pong[0] = new Actor() {
            @Override
            void receive(String message) {
                ping.inbox.put("pong");
                Green.sleep(Duration.ZERO);
            }
        };
        List<Greenlet<Void>> actors = List.of(ping.start(), pong[0].start());

        ping.inbox.put("start");

        assertTrue(done.await(Duration.ofSeconds(10)));
        Green.killAll(actors);
        actors.forEach(actor -> assertInstanceOf(GreenletExit.class, actor.exception()));
    }
}

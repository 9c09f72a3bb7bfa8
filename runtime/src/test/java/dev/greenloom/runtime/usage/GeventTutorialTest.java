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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletionException;
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

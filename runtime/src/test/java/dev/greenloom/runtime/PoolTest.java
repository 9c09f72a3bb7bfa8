package dev.greenloom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class PoolTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void neverRunsMoreThanItsCapacity() {
        Pool pool = new Pool(4);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        for (int i = 0; i < 200; i++) {
            pool.spawn(() -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                Green.sleep(Duration.ZERO);
                Green.sleep(Duration.ofMillis(1));
                running.decrementAndGet();
            });
        }
        pool.join();
        assertTrue(most.get() <= 4, "at most 4 at once, saw " + most.get());
        assertEquals(4, pool.freeCount());
    }

    /** A task that sees its pool through size() and greenlets() sees at most the capacity: the one whose slot it took has ended. */
    @Test
    void aTaskNeverSeesItsPoolHoldMoreThanItsCapacity() {
        Pool pool = new Pool(1);
        AtomicInteger most = new AtomicInteger();
        for (int i = 0; i < 20_000; i++) {
            pool.spawn(() -> most.accumulateAndGet(Math.max(pool.size(), pool.greenlets().size()), Math::max));
        }
        pool.join();
        assertEquals(1, most.get(), "a Pool(1)'s task saw this many greenlets running");
    }

    /**
     * full() costs no walk of the members while a slot is free: a pool filled as in gevent, spawning until full(),
     * took time quadratic in its size once freeCount() counted the members (8 s for 40,000).
     */
    @Test
    void aPoolFilledUntilFullTakesTimeLinearInItsSize() {
        Pool pool = new Pool(40_000);
        CountDownLatch release = new CountDownLatch(1);
        long started = System.nanoTime();
        try {
            while (!pool.full()) {
                pool.spawn(() -> GreenTest.await(release));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertEquals(40_000, pool.size());
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "filling took " + took);
        } finally {
            release.countDown();
            pool.join();
        }
    }

    @Test
    void spawnWaitsWhileFull() {
        Pool pool = new Pool(1);
        CountDownLatch release = new CountDownLatch(1);
        assertFalse(pool.full());
        pool.spawn(() -> GreenTest.await(release));
        assertEquals(0, pool.freeCount());
        assertTrue(pool.full());
        Greenlet<Greenlet<Void>> spawner = Green.spawn(() -> pool.spawn(() -> { }));

        assertFalse(spawner.join(Duration.ofMillis(50)), "spawn returned while the pool was full");
        release.countDown();

        spawner.get().join();
        pool.join();
        assertEquals(1, pool.freeCount());
        assertFalse(pool.full());
    }

    /**
     * gevent's pool frees a slot in a link of the dead greenlet: a spawn that waited for the slot
     * sees the greenlet that held it ready, with its value, and a join of a greenlet sees its slot free.
     */
    @Test
    void aSlotComesBackOnceItsGreenletIsReadyAndBeforeItsJoinReturns() {
        Pool pool = new Pool(1);
        for (int i = 0; i < 2_000; i++) {
            int x = i;
            Greenlet<Integer> first = pool.spawn(() -> x);
            Greenlet<Integer> second = pool.spawn(() -> -x);
            assertEquals(x, first.value(), "the value of the greenlet whose slot the spawn waited for");
            second.join();
            assertEquals(1, pool.freeCount(), "free slots once the only greenlet was joined");
        }
    }

    @Test
    void killEndsEveryMemberAndFreesTheirSlots() {
        Pool pool = new Pool(2);
        List<Greenlet<Void>> sleepers = List.of(pool.spawn(() -> Green.sleep(LONG)), pool.spawn(() -> Green.sleep(LONG)));

        pool.kill();

        for (Greenlet<Void> sleeper : sleepers) {
            assertInstanceOf(GreenletExit.class, sleeper.exception());
        }
        assertEquals(2, pool.freeCount());
        assertEquals("after", pool.spawn(() -> "after").get(LONG));
    }

    // gevent's pool.apply_async(func, args, callback=cb): spawn, then link the callback.
    @Test
    void completionCallbackReceivesEveryResult() {
        Pool pool = new Pool(3);
        Set<Integer> results = ConcurrentHashMap.newKeySet();
        CountDownLatch called = new CountDownLatch(10);
        for (int i = 0; i < 10; i++) {
            int x = i;
            pool.spawn(() -> x * x).link(job -> {
                results.add(job.value());
                called.countDown();
            });
        }
        GreenTest.await(called);
        assertEquals(Set.of(0, 1, 4, 9, 16, 25, 36, 49, 64, 81), results);
    }

    // The same as gevent writes it: pool.join() returns after the callbacks of apply_async ran.
    @Test
    void joinReturnsAfterTheCompletionCallbacksRan() {
        Pool pool = new Pool(3);
        List<Integer> results = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 10; i++) {
            int x = i;
            pool.spawn(() -> x * x).link(job -> {
                Green.sleep(Duration.ofMillis(x == 9 ? 200 : 1));
                results.add(job.value());
            });
        }
        pool.join();
        assertEquals(10, results.size());
    }

    @Test
    void mapKeepsItemOrder() {
        Pool pool = new Pool(3);
        List<Integer> squares = pool.map(x -> {
            Green.sleep(Duration.ofMillis(10 - x));
            return x * x;
        }, List.of(1, 2, 3, 4, 5));
        assertEquals(List.of(1, 4, 9, 16, 25), squares);
    }

    @Test
    void mapThrowsTheFirstFailureInItemOrder() {
        Pool pool = new Pool(2);
        CompletionException e = assertThrows(CompletionException.class, () -> pool.map(x -> {
            if (x == 2) {
                throw new IllegalArgumentException("two");
            }
            return x;
        }, List.of(1, 2, 3)));
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
    }

    @Test
    void mapThrowsOnlyAfterEveryItemEnded() {
        Pool pool = new Pool(2);
        AtomicBoolean slowOneEnded = new AtomicBoolean();
        assertThrows(CompletionException.class, () -> pool.map(x -> {
            if (x == 1) {
                throw new IllegalArgumentException("one");
            }
            Green.sleep(Duration.ofMillis(100));
            slowOneEnded.set(true);
            return x;
        }, List.of(1, 2)));
        assertTrue(slowOneEnded.get(), "map threw while item 2 still ran");
        assertEquals(2, pool.freeCount());
    }

    @Test
    void mapInsideAGreenletKeepsItemOrderAndThrowsTheFirstFailure() {
        Pool pool = new Pool(2);
        assertEquals(List.of(2, 4, 6), Green.spawn(() -> pool.map(x -> 2 * x, List.of(1, 2, 3))).get());
        CompletionException e = assertThrows(CompletionException.class,
                () -> Green.spawn(() -> pool.map(PoolTest::parseCount, List.of("1", "-1"))).get());
        assertInstanceOf(IOException.class, e.getCause().getCause());
    }

    @Test
    void mapStopsSpawningWhenTheCallingThreadIsInterrupted() {
        Pool pool = new Pool(1);
        AtomicInteger started = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Thread caller = Thread.currentThread();
        Green.spawn(() -> {
            while (started.get() == 0) {
                Green.sleep(Duration.ofMillis(1));
            }
            caller.interrupt();
        });

        assertThrows(GreenletExit.class, () -> pool.map(x -> {
            started.incrementAndGet();
            GreenTest.await(release);
            return x;
        }, List.of(1, 2, 3, 4)));

        assertTrue(Thread.interrupted(), "the interrupt status is kept");
        release.countDown();
        pool.join();
        assertEquals(1, started.get(), "items were spawned after map threw");
    }

    @Test
    void mapEndsWithATimeoutOfTheCallingThreadAndLeavesTheSpawnedItemsRunning() {
        Pool pool = new Pool(2);
        CountDownLatch release = new CountDownLatch(1);
        try (Timeout timeout = Timeout.start(Duration.ofMillis(100))) {
            Timeout.Expired expired = assertThrows(Timeout.Expired.class,
                    () -> pool.map(x -> {
                        GreenTest.await(release);
                        return x;
                    }, List.of(1, 2, 3)));
            assertSame(timeout, expired.timeout());
        }
        assertEquals(2, pool.size(), "the spawned items keep running");
        release.countDown();
        pool.join();
    }

    // Items that busy-wait for the caller hold every carrier thread: a caller that waited for its
    // mapping greenlet to end (which needs a carrier) would wait for them, and they for it.
    @Test
    void mapEndsWithATimeoutOfTheCallingThreadWhileItemsHoldEveryCarrier() throws InterruptedException {
        Pool pool = new Pool(2 * Runtime.getRuntime().availableProcessors());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean expired = new AtomicBoolean();
        Thread caller = Thread.ofPlatform().start(() -> {
            try (Timeout timeout = Timeout.start(Duration.ofMillis(100))) {
                pool.map(x -> {
                    while (!stop.get()) {
                        Thread.onSpinWait();
                    }
                    return x;
                }, IntStream.range(0, 4 * pool.capacity()).boxed().toList());
            } catch (Timeout.Expired e) {
                expired.set(true);
            }
        });

        boolean ended = caller.join(Duration.ofSeconds(10));
        stop.set(true);
        caller.join();
        pool.join();
        assertTrue(ended, "map did not end at the caller's timeout while the items held every carrier");
        assertTrue(expired.get());
    }

    @Test
    void mapRethrowsWhatTheItemsIteratorThrowsAsItIs() {
        IllegalStateException broken = new IllegalStateException("input broke off");
        Iterable<Integer> items = () -> Stream.iterate(1, x -> {
            if (x == 2) {
                throw broken;
            }
            return x + 1;
        }).iterator();
        assertEquals(broken, assertThrows(IllegalStateException.class, () -> new Pool(2).map(x -> x, items)));
    }

    @Test
    void mapReadsTheItemsOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        Set<Thread> readers = ConcurrentHashMap.newKeySet();
        List<Integer> numbers = List.of(1, 2, 3);
        Iterable<Integer> lazy = () -> {
            readers.add(Thread.currentThread());
            return numbers.iterator();
        };
        Collection<Integer> collection = new AbstractCollection<>() {
            @Override
            public Iterator<Integer> iterator() {
                readers.add(Thread.currentThread());
                return numbers.iterator();
            }

            @Override
            public Object[] toArray() {
                readers.add(Thread.currentThread());
                return numbers.toArray();
            }

            @Override
            public int size() {
                return numbers.size();
            }
        };
        Pool pool = new Pool(2);

        assertEquals(List.of(2, 3, 4), pool.map(x -> x + 1, lazy));
        assertEquals(List.of(2, 3, 4), pool.map(x -> x + 1, collection));

        assertEquals(Set.of(caller), readers);
    }

    /** A function with a checked exception, as gevent's {@code pool.map(socket.gethostbyname, hosts)} passes one. */
    private static int parseCount(String text) throws IOException {
        int count = Integer.parseInt(text);
        if (count < 0) {
            throw new IOException("negative count " + text);
        }
        return count;
    }

    @Test
    void mapAndImapUnorderedTakeMethodsThatThrowCheckedExceptions() {
        Pool pool = new Pool(2);
        assertEquals(List.of(1, 2), pool.map(PoolTest::parseCount, List.of("1", "2")));
        CompletionException e = assertThrows(CompletionException.class,
                () -> pool.map(PoolTest::parseCount, List.of("1", "-1")));
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals(3, pool.imapUnordered(PoolTest::parseCount, List.of("3")).iterator().next());
    }

    @Test
    void imapUnorderedYieldsAllResultsInCompletionOrder() {
        Pool pool = new Pool(3);
        List<CountDownLatch> gates = IntStream.range(0, 3).mapToObj(i -> new CountDownLatch(1)).toList();
        Iterator<Integer> results = pool.imapUnordered(i -> {
            GreenTest.await(gates.get(i));
            return i;
        }, List.of(0, 1, 2)).iterator();

        List<Integer> order = new ArrayList<>();
        for (int i : new int[] {1, 2, 0}) {
            gates.get(i).countDown();
            order.add(results.next());
        }

        assertEquals(List.of(1, 2, 0), order);
        assertFalse(results.hasNext());
    }

    @Test
    void aReaderThatStopsEarlyLetsTheFeederGoOnceItsIteratorIsGarbage() {
        WeakReference<Iterator<Integer>> input = readOneResultOfAnEndlessInput(new Pool(2));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (input.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Green.sleep(Duration.ofMillis(20));
        }
        assertNull(input.get(), "the feeder still holds the input, parked for a slot");
    }

    private static WeakReference<Iterator<Integer>> readOneResultOfAnEndlessInput(Pool pool) {
        Iterator<Integer> endless = Stream.iterate(0, i -> i + 1).iterator();
        assertTrue(pool.imapUnordered(x -> x, () -> endless).iterator().next() >= 0); // the first done, any item
        return new WeakReference<>(endless);
    }

    @Test
    void imapUnorderedYieldsEveryResultOfALongInput() {
        Pool pool = new Pool(8);
        List<Integer> items = IntStream.range(0, 1000).boxed().toList();
        Set<Integer> seen = new java.util.HashSet<>();
        for (int doubled : pool.imapUnordered(x -> 2 * x, items)) {
            seen.add(doubled);
        }
        assertEquals(1000, seen.size());
        assertTrue(seen.contains(1998));
    }

    /** As gevent's, whose imap_unordered greenlet is dead once the iteration stops: none of it is left in {@link Green#live()}. */
    @Test
    void anIterationToTheEndLeavesNoGreenletRunning() {
        for (int i = 0; i < 2_000; i++) {
            List<Greenlet<?>> before = Green.live();
            for (int x : new Pool(2).imapUnordered(x -> x, List.of(1, 2, 3))) {
                assertTrue(x > 0);
            }
            List<Greenlet<?>> left = new ArrayList<>(Green.live());
            left.removeAll(before);
            assertEquals(List.of(), left, "greenlets left running by the iteration");
        }
    }

    @Test
    void imapUnorderedThrowsForAFailedItemAndGoesOn() {
        Pool pool = new Pool(2);
        Iterator<Integer> results = pool.imapUnordered(x -> {
            if (x == 1) {
                throw new IllegalStateException("one");
            }
            return x;
        }, List.of(1)).iterator();
        assertTrue(results.hasNext());
        assertThrows(CompletionException.class, results::next);
        assertFalse(results.hasNext());
    }

    @Test
    void toStringShowsRunningAndFreeSlots() {
        Pool pool = new Pool(3);
        CountDownLatch release = new CountDownLatch(1);
        pool.spawn(() -> GreenTest.await(release));
        assertEquals("Pool[1 running, 2 of 3 free]", pool.toString());
        release.countDown();
        pool.join();
        assertEquals("Pool[0 running, 3 of 3 free]", pool.toString());
    }

    @Test
    void capacityMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new Pool(0));
    }
}

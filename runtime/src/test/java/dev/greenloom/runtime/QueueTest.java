package dev.greenloom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class QueueTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void itemsComeOutInTheOrderTheyWentIn() {
        Queue<String> queue = new Queue<>();
        queue.put("a");
        queue.put("b");
        assertTrue(queue.offer("c"));
        assertEquals(3, queue.size());
        assertEquals(List.of("a", "b", "c"), List.of(queue.get(), queue.get(LONG), queue.poll()));
        assertTrue(queue.isEmpty());
        assertNull(queue.poll());
    }

    @Test
    void timedPutOnAFullQueueThrowsFull() {
        Queue<Integer> queue = new Queue<>(1);
        queue.put(1);
        assertFalse(queue.offer(2));
        assertThrows(Queue.Full.class, () -> queue.put(2, Duration.ofMillis(20)));
        assertThrows(Queue.Full.class, () -> queue.put(2, Duration.ZERO));
        assertEquals(1, queue.size());
    }

    @Test
    void timedGetOnAnEmptyQueueThrowsEmpty() {
        Queue<Integer> queue = new Queue<>();
        assertThrows(Queue.Empty.class, () -> queue.get(Duration.ofMillis(20)));
        assertThrows(Queue.Empty.class, () -> queue.get(Duration.ZERO));
    }

    @Test
    void putWaitsUntilAGetMakesRoom() {
        Queue<Integer> queue = new Queue<>(1);
        queue.put(1);
        Greenlet<Void> producer = Green.spawn(() -> queue.put(2));
        assertFalse(producer.join(Duration.ofMillis(50)), "put returned on a full queue");

        assertEquals(1, queue.get());

        producer.join();
        assertEquals(2, queue.get());
    }

    @Test
    void getWaitsForAPut() {
        Queue<String> queue = new Queue<>();
        Greenlet<String> consumer = Green.spawn(() -> queue.get());
        queue.put("item");
        assertEquals("item", consumer.get(LONG));
    }

    @Test
    void killEndsABlockedGetWithGreenletExit() {
        Queue<String> queue = new Queue<>();
        CountDownLatch waiting = new CountDownLatch(1);
        Greenlet<String> consumer = Green.spawn(() -> {
            waiting.countDown();
            return queue.get();
        });
        GreenTest.await(waiting);
        consumer.kill();
        assertInstanceOf(GreenletExit.class, consumer.exception());
    }

    @Test
    void timeoutEndsABlockedGetWithExpired() {
        Queue<String> queue = new Queue<>();
        try (Timeout timeout = Timeout.start(Duration.ofMillis(20))) {
            assertThrows(Timeout.Expired.class, queue::get);
        }
    }

    @Test
    void manyProducersAndConsumersLoseNothing() {
        Queue<Integer> queue = new Queue<>(16);
        List<Greenlet<Void>> producers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            int base = p * 1000;
            producers.add(Green.spawn(() -> {
                for (int i = 0; i < 1000; i++) {
                    queue.put(base + i);
                }
            }));
        }
        List<Greenlet<Long>> consumers = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            consumers.add(Green.spawn(() -> {
                long sum = 0;
                for (int i = 0; i < 1000; i++) {
                    sum += queue.get();
                }
                return sum;
            }));
        }
        Green.joinAllOrThrow(producers, LONG);
        long total = Green.joinAllOrThrow(consumers, LONG).stream().mapToLong(Greenlet::get).sum();
        assertEquals(3999L * 4000 / 2, total);
    }

    /**
     * Timed puts and gets whose timeouts run out as items arrive: a get that throws Empty took
     * nothing, a put that throws Full added nothing, so every item put is got exactly once.
     */
    @Test
    void timeoutsRunningOutAsItemsArriveLoseAndDuplicateNothing() {
        List<Supplier<Queue<Integer>>> kinds = List.of(() -> new Queue<>(2), () -> new PriorityQueue<>(2),
                () -> new JoinableQueue<>(2), Channel::new);
        for (Supplier<Queue<Integer>> kind : kinds) {
            for (int round = 0; round < 200; round++) {
                Queue<Integer> queue = kind.get();
                Set<Integer> put = ConcurrentHashMap.newKeySet();
                List<Integer> got = Collections.synchronizedList(new ArrayList<>());
                List<Greenlet<Void>> greenlets = new ArrayList<>();
                for (int g = 0; g < 3; g++) {
                    int base = g * 100;
                    greenlets.add(Green.spawn(() -> {
                        for (int i = 0; i < 20; i++) {
                            try {
                                got.add(queue.get(upTo50Micros()));
                            } catch (Queue.Empty e) {
                                // none came in time: nothing taken
                            }
                        }
                    }));
                    greenlets.add(Green.spawn(() -> {
                        for (int i = base; i < base + 20; i++) {
                            try {
                                queue.put(i, upTo50Micros());
                                put.add(i);
                            } catch (Queue.Full e) {
                                // no room in time: nothing added
                            }
                        }
                    }));
                }
                Green.joinAllOrThrow(greenlets, LONG);
                for (Integer left = queue.poll(); left != null; left = queue.poll()) {
                    got.add(left);
                }
                assertEquals(put.size(), got.size(), queue + " round " + round + ": items duplicated or lost");
                assertEquals(put, Set.copyOf(got), queue + " round " + round);
            }
        }
    }

    private static Duration upTo50Micros() {
        return Duration.ofNanos(ThreadLocalRandom.current().nextLong(50_000));
    }

    @Test
    void nullItemsAreRejected() {
        assertThrows(NullPointerException.class, () -> new Queue<String>().put(null));
    }

    /** gevent's and Python's Queue(0) is unbounded, not a rendezvous: put never waits. */
    @Test
    void aMaxsizeOfZeroOrLessMeansUnbounded() {
        List<Queue<Integer>> queues = List.of(new Queue<>(0), new Queue<>(-1), new JoinableQueue<>(0), new PriorityQueue<>(0),
                new PriorityQueue<>(0, Comparator.reverseOrder()));
        for (Queue<Integer> queue : queues) {
            for (int i = 0; i < 10_000; i++) {
                queue.put(i, Duration.ZERO);
            }
            assertEquals(10_000, queue.size(), queue.getClass().getSimpleName());
        }
    }
}

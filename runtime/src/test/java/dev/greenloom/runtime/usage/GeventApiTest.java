package dev.greenloom.runtime.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.greenloom.runtime.AsyncResult;
import dev.greenloom.runtime.BoundedSemaphore;
import dev.greenloom.runtime.Channel;
import dev.greenloom.runtime.Event;
import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.Greenlet;
import dev.greenloom.runtime.GreenletExit;
import dev.greenloom.runtime.JoinableQueue;
import dev.greenloom.runtime.Pool;
import dev.greenloom.runtime.PriorityQueue;
import dev.greenloom.runtime.Queue;
import dev.greenloom.runtime.Timeout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * What gevent's API documentation (gevent.Greenlet, joinall/iwait/killall, gevent.queue,
 * gevent.event, gevent.pool, gevent.lock) promises, as a gevent user would check it from outside
 * the package. Where the Java API differs on purpose (a boolean instead of None or a raise, a
 * killed greenlet that is not successful), the test states the Java form.
 */
@org.junit.jupiter.api.Timeout(60)
class GeventApiTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private static Greenlet<Void> sleeper() {
        return Green.spawn(() -> Green.sleep(LONG));
    }

    // Greenlet.get(block=False) raises Timeout if not ready; get(timeout) too, and the greenlet keeps running.
    @Test
    void getWithoutWaitingOnARunningGreenletRaisesTimeout() {
        Greenlet<Void> running = sleeper();

        assertThrows(Timeout.Expired.class, () -> running.get(Duration.ZERO));
        assertThrows(Timeout.Expired.class, () -> running.get(Duration.ofMillis(20)));
        assertFalse(running.ready());
        assertFalse(Thread.currentThread().isInterrupted());
        running.kill();
    }

    // Greenlet.kill(block=False): the kill is requested without waiting; the greenlet ends soon after.
    @Test
    void killWithoutBlockingEndsTheGreenletSoonAfter() {
        Greenlet<Void> running = sleeper();

        running.kill(Duration.ZERO);

        assertTrue(running.join(Duration.ofSeconds(10)));
        assertInstanceOf(GreenletExit.class, running.exception());
        assertNull(running.value());
    }

    // "If the greenlet has not started, it will be prevented from starting" (spawn_later, killed before its delay).
    @Test
    void aGreenletKilledBeforeItStartsNeverRuns() {
        AtomicBoolean ran = new AtomicBoolean();
        Greenlet<Void> later = Green.spawnLater(Duration.ofMillis(200), () -> ran.set(true));

        later.kill();
        Green.sleep(Duration.ofMillis(400));

        assertTrue(later.ready());
        assertFalse(ran.get());
        assertInstanceOf(GreenletExit.class, later.exception());
    }

    // joinall(jobs, timeout): "a sequence of the greenlets that finished before the timeout expired".
    @Test
    void joinAllWithATimeoutReturnsTheFinishedOnes() {
        Greenlet<String> quick = Green.spawn(() -> "done");
        Greenlet<Object> failing = Green.spawn(() -> {
            throw new IllegalStateException("boom");
        });
        Greenlet<Void> slow = sleeper();

        List<Greenlet<?>> finished = Green.joinAll(List.of(quick, slow, failing), Duration.ofMillis(100));

        assertEquals(List.of(quick, failing), finished);
        assertFalse(slow.ready(), "a timeout of joinall kills nothing");
        assertTrue(Green.killAll(List.of(slow), Duration.ofSeconds(10)));
        assertInstanceOf(GreenletExit.class, slow.exception());
    }

    // iwait yields greenlets as they finish; with a timeout it stops yielding at the deadline.
    @Test
    void iwaitYieldsInFinishingOrderAndStopsAtItsTimeout() {
        Greenlet<Integer> second = Green.spawn(() -> {
            Green.sleep(Duration.ofMillis(150));
            return 2;
        });
        Greenlet<Integer> first = Green.spawn(() -> 1);
        Greenlet<Integer> never = Green.spawn(() -> {
            Green.sleep(LONG);
            return 3;
        });

        List<Integer> values = new ArrayList<>();
        for (Greenlet<Integer> done : Green.iwait(List.of(second, first, never), Duration.ofSeconds(2))) {
            values.add(done.value());
        }

        assertEquals(List.of(1, 2), values);
        never.kill();
    }

    // queue.Queue: put(block, timeout) raises Full, get raises Empty; the *_nowait forms are offer and poll here.
    @Test
    void queueRaisesFullAndEmptyOnTimeout() {
        Queue<String> q = new Queue<>(1);
        q.put("a");

        assertThrows(Queue.Full.class, () -> q.put("b", Duration.ofMillis(20)));
        assertFalse(q.offer("b"));
        assertEquals(1, q.size());
        assertEquals("a", q.get());
        assertNull(q.poll());
        assertThrows(Queue.Empty.class, () -> q.get(Duration.ZERO));
    }

    // PriorityQueue: "entries are retrieved in priority order (lowest first)".
    @Test
    void priorityQueueGivesTheLowestFirst() {
        PriorityQueue<Integer> q = new PriorityQueue<>();
        for (int i : List.of(3, 1, 2)) {
            q.put(i);
        }
        assertEquals(List.of(1, 2, 3), List.of(q.get(), q.get(), q.get()));
    }

    // Channel: put blocks until a get takes the item; a timed put with nobody to take raises Full.
    @Test
    void channelHandsOverOnlyToAWaitingGetter() {
        Channel<String> ch = new Channel<>();
        assertThrows(Queue.Full.class, () -> ch.put("nobody", Duration.ofMillis(20)));

        Greenlet<Void> putter = Green.spawn(() -> ch.put("ping"));

        assertEquals("ping", ch.get(Duration.ofSeconds(10)));
        assertTrue(putter.join(Duration.ofSeconds(10)));
        assertTrue(putter.successful());
    }

    // JoinableQueue: join(timeout) is false while tasks are unfinished; task_done beyond the puts raises (ValueError).
    @Test
    void joinableQueueJoinsOnceEveryTaskIsDone() {
        JoinableQueue<String> q = new JoinableQueue<>();
        q.put("dish");

        assertFalse(q.join(Duration.ofMillis(20)));
        q.get();
        assertFalse(q.join(Duration.ZERO), "taken is not done");
        q.taskDone();
        assertTrue(q.join(Duration.ZERO));
        assertThrows(IllegalStateException.class, q::taskDone);
    }

    // Event.wait(timeout) returns the flag: false on timeout, true at once once set, until clear().
    @Test
    void eventWaitReturnsTheFlag() {
        Event event = new Event();
        assertFalse(event.await(Duration.ofMillis(20)));

        Green.spawn(event::set);

        assertTrue(event.await(Duration.ofSeconds(10)));
        assertTrue(event.isSet());
        assertTrue(event.await(Duration.ZERO));
        event.clear();
        assertFalse(event.isSet());
        assertFalse(event.await(Duration.ZERO));
    }

    // AsyncResult.get(block=False) raises Timeout until set; set_exception makes get raise it.
    @Test
    void asyncResultGetRaisesTimeoutUntilSet() {
        AsyncResult<String> result = new AsyncResult<>();
        assertThrows(Timeout.Expired.class, () -> result.get(Duration.ZERO));
        assertFalse(result.await(Duration.ZERO));

        Green.spawn(() -> result.set("Hello!"));

        assertEquals("Hello!", result.get(Duration.ofSeconds(10)));
        assertTrue(result.successful());

        AsyncResult<String> failed = new AsyncResult<>();
        IllegalStateException boom = new IllegalStateException("boom");
        failed.setException(boom);
        assertEquals(boom, assertThrows(RuntimeException.class, failed::get).getCause());
        assertEquals(boom, failed.exception());
    }

    // Pool.free_count() in a loop: 3, 2, 1, 0, then each spawn waits for the next slot to free (the tasks end 200 ms apart).
    @Test
    void freeCountFallsWithEachSpawnUntilSpawnWaits() {
        Pool pool = new Pool(3);
        List<Integer> free = new ArrayList<>();
        List<Boolean> full = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            free.add(pool.freeCount());
            full.add(pool.full());
            Duration work = Duration.ofMillis(200L * (i + 1));
            pool.spawn(() -> Green.sleep(work));
        }
        free.add(pool.freeCount());

        assertEquals(List.of(3, 2, 1, 0, 0, 0), free);
        assertEquals(List.of(false, false, false, true, true), full);
        pool.join();
        assertEquals(3, pool.freeCount());
        assertFalse(pool.full());
    }

    // lock.BoundedSemaphore: "If it [its value] does [exceed its initial value], ValueError is raised."
    @Test
    void boundedSemaphoreRefusesAReleaseBeyondItsBound() {
        BoundedSemaphore sem = new BoundedSemaphore(2);
        assertThrows(IllegalStateException.class, sem::release);

        sem.acquire();
        assertTrue(sem.acquire(Duration.ZERO));
        assertFalse(sem.acquire(Duration.ZERO), "acquire(blocking=False) with no permit free");
        sem.release();
        sem.release();
        assertThrows(IllegalStateException.class, sem::release);
        assertEquals(2, sem.availablePermits());
    }
}

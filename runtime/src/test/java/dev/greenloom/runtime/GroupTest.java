package dev.greenloom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class GroupTest {
    @Test
    void joinWaitsForMembersSpawnedWhileWaiting() {
        Group group = new Group();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        group.spawn(() -> {
            GreenTest.await(release);
            group.spawn(() -> {
                Green.sleep(Duration.ofMillis(20));
                done.incrementAndGet();
            });
            done.incrementAndGet();
        });
        release.countDown();

        group.join();

        assertEquals(2, done.get());
        assertEquals(0, group.size());
    }

    @Test
    void joinSeesEveryMemberFinishedAfterSpawnersAndPrunesRaced() {
        Group group = new Group();
        Queue<Greenlet<Void>> members = new ConcurrentLinkedQueue<>();
        Group spawners = new Group();
        for (int s = 0; s < 4; s++) {
            spawners.spawn(() -> {
                for (int i = 0; i < 5_000; i++) {
                    Duration nap = Duration.ofMillis(i == 0 ? 300 : i % 3);
                    members.add(group.spawn(() -> Green.sleep(nap)));
                }
            });
        }
        spawners.join();

        group.join();

        assertEquals(20_000, members.size());
        members.forEach(m -> assertTrue(m.ready(), m::toString));
        assertEquals(0, group.size());
    }

    @Test
    void joinWithTimeoutReturnsFalseWhileMembersRun() {
        Group group = new Group();
        CountDownLatch release = new CountDownLatch(1);
        group.spawn(() -> GreenTest.await(release));
        assertFalse(group.join(Duration.ofMillis(20)));
        assertEquals(1, group.size());
        release.countDown();
        assertTrue(group.join(Duration.ofSeconds(30)));
    }

    @Test
    void killEndsAllMembers() {
        Group group = new Group();
        List<Greenlet<Void>> members = IntStream.range(0, 50)
                .mapToObj(i -> group.spawn(() -> Green.sleep(Duration.ofSeconds(30))))
                .toList();
        assertEquals(50, group.greenlets().size());

        group.kill();

        assertEquals(0, group.size());
        members.forEach(m -> assertInstanceOf(GreenletExit.class, m.exception()));
    }

    // gevent's Group.kill kills until the group is empty, as join waits for members spawned meanwhile.
    @Test
    void killAlsoEndsAMemberSpawnedByADyingMember() {
        Group group = new Group();
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Greenlet<Void>> cleanup = new AtomicReference<>();
        group.spawn(() -> {
            try {
                started.countDown();
                Green.sleep(Duration.ofSeconds(30));
            } finally {
                cleanup.set(group.spawn(() -> Green.sleep(Duration.ofSeconds(30))));
            }
        });
        GreenTest.await(started);

        group.kill();

        assertEquals(0, group.size());
        assertInstanceOf(GreenletExit.class, cleanup.get().exception());
    }

    // gevent's supervisor form: a member's link kills the group. kill() kept walking while that member,
    // still running its callbacks, counted as unfinished, and the callback never returned.
    @Test
    void killFromAMembersLinkCallbackReturns() {
        Group group = new Group();
        CountDownLatch linked = new CountDownLatch(1);
        Greenlet<Void> sleeper = group.spawn(() -> Green.sleep(Duration.ofSeconds(30)));
        Greenlet<Integer> failing = group.spawn(() -> {
            GreenTest.await(linked);
            return 1 / 0;
        });
        failing.link(ended -> group.kill());
        linked.countDown();

        assertTrue(group.join(Duration.ofSeconds(10)), "the callback's kill did not return");

        assertInstanceOf(GreenletExit.class, sleeper.exception());
        assertInstanceOf(ArithmeticException.class, failing.exception());
    }

    @Test
    void greenletsListsOnlyRunningMembersAfterManyFinished() {
        Group group = new Group();
        CountDownLatch release = new CountDownLatch(1);
        Greenlet<Void> running = group.spawn(() -> GreenTest.await(release));
        for (int i = 0; i < 1_000; i++) {
            group.spawn(() -> { }).join();
        }
        try {
            assertEquals(List.of(running), group.greenlets());
            assertEquals(1, group.size());
        } finally {
            release.countDown();
        }
        group.join();
        assertTrue(running.ready());
        assertEquals(List.of(), group.greenlets());
    }

    @Test
    void toStringCountsTheRunningMembers() {
        Group group = new Group();
        CountDownLatch release = new CountDownLatch(1);
        group.spawn(() -> GreenTest.await(release));
        assertEquals("Group[1 running]", group.toString());
        release.countDown();
        group.join();
        assertEquals("Group[0 running]", group.toString());
    }

    @Test
    void mapAndImapUnorderedRunEveryItemAtOnce() {
        Group group = new Group();
        CountDownLatch mapped = new CountDownLatch(3);
        List<Integer> doubled = group.map(x -> {
            mapped.countDown();
            GreenTest.await(mapped);
            return 2 * x;
        }, List.of(1, 2, 3));
        assertEquals(List.of(2, 4, 6), doubled);

        CountDownLatch started = new CountDownLatch(3);
        Set<Integer> seen = new HashSet<>();
        for (int x : group.imapUnordered(x -> {
            started.countDown();
            GreenTest.await(started);
            return x;
        }, List.of(1, 2, 3))) {
            seen.add(x);
        }
        assertEquals(Set.of(1, 2, 3), seen);
    }

    // The interrupt arrives while map reads its items: a plain group never waits for a slot, so
    // only map itself can notice it before spawning the next item.
    @Test
    void mapStopsSpawningWhenTheCallingThreadIsInterrupted() {
        Group group = new Group();
        AtomicInteger started = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> numbers = List.of(1, 2, 3, 4);
        Iterable<Integer> interruptingAfterTheFirst = () -> numbers.stream().peek(x -> {
            if (x == 2) {
                Thread.currentThread().interrupt();
            }
        }).iterator();

        assertThrows(GreenletExit.class, () -> group.map(x -> {
            started.incrementAndGet();
            GreenTest.await(release);
            return x;
        }, interruptingAfterTheFirst));

        assertTrue(Thread.interrupted(), "the interrupt status is kept");
        release.countDown();
        group.join();
        assertEquals(1, started.get(), "items were spawned after the interrupt");
    }
}

package dev.greenloom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class ScopeTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void closeKillsUnfinishedChildrenAndLeavesNoLiveGreenlets() {
        List<Greenlet<?>> children = new ArrayList<>();
        Greenlet<String> quick;
        try (Scope scope = Green.scope()) {
            quick = scope.spawn(() -> "done");
            for (int i = 0; i < 100; i++) {
                children.add(scope.spawn(() -> Green.sleep(LONG)));
            }
            quick.join();
        }

        assertEquals("done", quick.value());
        for (Greenlet<?> child : children) {
            assertTrue(child.ready());
            assertInstanceOf(GreenletExit.class, child.exception());
        }
        List<Greenlet<?>> live = Green.live();
        assertTrue(children.stream().noneMatch(live::contains), "a child outlived its scope");
    }

    @Test
    void closeReturnsAfterTheChildrensLinkCallbacksRan() {
        AtomicInteger ended = new AtomicInteger();
        CountDownLatch quickInCallback = new CountDownLatch(1);
        try (Scope scope = Green.scope()) {
            scope.spawn(() -> "quick").link(g -> {
                quickInCallback.countDown();
                Green.sleep(Duration.ofMillis(100));
                ended.incrementAndGet();
            });
            for (int i = 0; i < 10; i++) {
                scope.spawn(() -> Green.sleep(LONG)).link(g -> {
                    Green.sleep(Duration.ofMillis(100));
                    ended.incrementAndGet();
                });
            }
            GreenTest.await(quickInCallback);
        }
        assertEquals(11, ended.get());
    }

    @Test
    void independentChildFailureDoesNotStopSiblings() {
        CountDownLatch release = new CountDownLatch(1);
        try (Scope scope = Green.scope()) {
            Greenlet<Void> failing = scope.spawn(() -> {
                throw new IllegalStateException("boom");
            });
            Greenlet<String> sibling = scope.spawn(() -> {
                release.await();
                return "ok";
            });
            failing.join();
            release.countDown();
            scope.join();
            assertEquals("ok", sibling.value());
            assertInstanceOf(IllegalStateException.class, failing.exception());
        }
    }

    @Test
    void failFastKillsSiblingsAndJoinThrowsTheFailure() {
        IllegalStateException boom = new IllegalStateException("boom");
        CountDownLatch siblingsWaiting = new CountDownLatch(2);
        try (Scope scope = Green.scope(Scope.Mode.FAIL_FAST)) {
            Greenlet<Void> a = scope.spawn(() -> {
                siblingsWaiting.countDown();
                Green.sleep(LONG);
            });
            Greenlet<Void> b = scope.spawn(() -> {
                siblingsWaiting.countDown();
                Green.sleep(LONG);
            });
            GreenTest.await(siblingsWaiting);
            scope.spawn(() -> {
                throw boom;
            });

            CompletionException e = assertThrows(CompletionException.class, scope::join);

            assertSame(boom, e.getCause());
            assertInstanceOf(GreenletExit.class, a.exception());
            assertInstanceOf(GreenletExit.class, b.exception());
        }
    }

    @Test
    void failFastScopeThatFailedNeverRunsLaterChildren() {
        AtomicBoolean ran = new AtomicBoolean();
        try (Scope scope = Green.scope(Scope.Mode.FAIL_FAST)) {
            scope.spawn(() -> {
                throw new IllegalStateException("boom");
            }).join();

            Greenlet<Void> late = scope.spawn(() -> ran.set(true));

            assertInstanceOf(GreenletExit.class, late.exception());
            assertThrows(CompletionException.class, scope::join);
        }
        assertFalse(ran.get());
    }

    @Test
    void failFastJoinReturnsNormallyWhenAllSucceed() {
        try (Scope scope = Green.scope(Scope.Mode.FAIL_FAST)) {
            Greenlet<Integer> a = scope.spawn(() -> 1);
            Greenlet<Integer> b = scope.spawn(() -> 2);
            scope.join();
            assertEquals(3, a.get() + b.get());
            assertEquals(Scope.Mode.FAIL_FAST, scope.mode());
        }
    }

    @Test
    void spawnAfterCloseIsRefused() {
        Scope scope = Green.scope();
        scope.close();
        assertThrows(IllegalStateException.class, () -> scope.spawn(() -> { }));
        assertTrue(scope.greenlets().isEmpty());
    }

    @Test
    void joinWithTimeoutReturnsFalseWhileChildrenRun() {
        try (Scope scope = Green.scope()) {
            scope.spawn(() -> Green.sleep(LONG));
            assertFalse(scope.join(Duration.ofMillis(20)));
            assertEquals(1, scope.greenlets().size());
        }
    }

    @Test
    void closeWaitsDespiteAnInterruptAndKeepsIt() {
        CountDownLatch started = new CountDownLatch(1);
        Greenlet<Void> child;
        Scope scope = Green.scope();
        child = scope.spawn(() -> {
            started.countDown();
            Green.sleep(LONG);
        });
        GreenTest.await(started);

        Thread.currentThread().interrupt();
        scope.close();

        assertTrue(Thread.interrupted(), "interrupt status kept");
        assertTrue(child.ready());
    }

    @Test
    void onlyTheOpeningThreadMayJoinOrClose() {
        try (Scope scope = Green.scope()) {
            Greenlet<Void> closer = scope.spawn(scope::close);
            Greenlet<Void> joiner = scope.spawn(() -> scope.join());
            closer.join();
            joiner.join();
            assertInstanceOf(WrongThreadException.class, closer.exception());
            assertInstanceOf(WrongThreadException.class, joiner.exception());
            scope.spawn(() -> { }).join(); // still open
        }
    }

    @Test
    void childrenMaySpawnIntoTheirScope() {
        try (Scope scope = Green.scope()) {
            Greenlet<Greenlet<String>> parent = scope.spawn(() -> scope.spawn(() -> "grandchild"));
            scope.join();
            assertEquals("grandchild", parent.get().get());
        }
    }
}

package dev.greenloom.runtime.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.Greenlet;
import dev.greenloom.runtime.Group;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The runtime as code outside its package sees it: what README's gevent table promises must compile here. */
@org.junit.jupiter.api.Timeout(60)
class PublicApiTest {
    @Test
    void aGroupIsCreatedWithNewGroup() {
        Group group = new Group();
        AtomicInteger done = new AtomicInteger();
        group.spawn(() -> Green.sleep(Duration.ofMillis(10)));
        group.spawn(done::incrementAndGet);
        group.join();
        assertEquals(1, done.get());
        assertEquals(0, group.size());
    }

    // The signature is joinAll(Collection<? extends Greenlet<?>>): typed jobs in, any list of greenlets out.
    @Test
    void joinAllAndIwaitTakeTypedJobsAndGiveAnyListOfGreenlets() {
        List<Greenlet<String>> jobs = List.of(Green.spawn(() -> "a"), Green.spawn(() -> "b"));

        List<Greenlet<?>> all = Green.joinAll(jobs);
        List<Greenlet<?>> finished = Green.joinAll(jobs, Duration.ofSeconds(10));
        List<Greenlet<?>> succeeded = Green.joinAllOrThrow(jobs, Duration.ofSeconds(10));
        Iterable<Greenlet<?>> finishing = Green.iwait(jobs, Duration.ofSeconds(10));
        List<Greenlet<?>> yielded = new ArrayList<>();
        finishing.forEach(yielded::add);

        assertEquals(jobs, all);
        assertEquals(jobs, finished);
        assertEquals(jobs, succeeded);
        assertEquals(2, yielded.size());
    }
}

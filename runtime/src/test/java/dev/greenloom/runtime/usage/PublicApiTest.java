package dev.greenloom.runtime.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.Group;
import java.time.Duration;
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
}

package dev.greenloom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class JoinableQueueTest {
    // The washer/dryer example: one washer puts dishes, two dryers take them, join() waits for all.
    @Test
    void washerAndDryersFinishEveryDish() {
        List<String> printed = Collections.synchronizedList(new ArrayList<>());
        JoinableQueue<String> dishQueue = new JoinableQueue<>();
        List<Greenlet<Void>> dryers = new ArrayList<>();
        for (int n = 0; n < 2; n++) {
            dryers.add(Green.spawn(() -> {
                while (true) {
                    String dish = dishQueue.get();
                    printed.add("Drying " + dish + " dish");
                    dishQueue.taskDone();
                }
            }));
        }
        List<String> dishes = List.of("salad", "bread", "entree", "dessert");
        for (String dish : dishes) {
            printed.add("Washing " + dish + " dish");
            dishQueue.put(dish);
        }

        dishQueue.join();

        List<String> snapshot = List.copyOf(printed);
        assertEquals(8, snapshot.size());
        for (String dish : dishes) {
            assertTrue(snapshot.indexOf("Washing " + dish + " dish") < snapshot.indexOf("Drying " + dish + " dish"));
        }
        assertEquals(0, dishQueue.unfinishedTasks());
        Green.killAll(dryers);
    }

    @Test
    void joinWaitsUntilEveryTaskIsDone() {
        JoinableQueue<Integer> queue = new JoinableQueue<>(2);
        queue.put(1);
        queue.put(2);
        assertFalse(queue.join(Duration.ofMillis(20)));
        queue.get();
        queue.taskDone();
        assertFalse(queue.join(Duration.ZERO));
        Greenlet<Void> joiner = Green.spawn(() -> queue.join());
        queue.get();
        queue.taskDone();
        joiner.join();
        assertTrue(joiner.successful());
        assertTrue(queue.join(Duration.ZERO));
    }

    @Test
    void taskDoneMoreOftenThanPutsIsRefused() {
        JoinableQueue<Integer> queue = new JoinableQueue<>();
        queue.put(1);
        queue.taskDone();
        assertThrows(IllegalStateException.class, queue::taskDone);
        assertEquals(0, queue.unfinishedTasks());
    }

    @Test
    void aPutThatFailsIsNotCountedAsATask() {
        JoinableQueue<Integer> queue = new JoinableQueue<>(1);
        queue.put(1);
        assertThrows(Queue.Full.class, () -> queue.put(2, Duration.ZERO));
        assertFalse(queue.offer(3));
        assertEquals(1, queue.unfinishedTasks());
    }
}

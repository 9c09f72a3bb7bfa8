package dev.greenloom.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class PriorityQueueTest {
    @Test
    void leastItemComesFirstInNaturalOrder() {
        PriorityQueue<Integer> queue = new PriorityQueue<>();
        List.of(5, 1, 4, 2, 3).forEach(queue::put);
        assertEquals(List.of(1, 2, 3, 4, 5), List.of(queue.get(), queue.get(), queue.get(), queue.get(), queue.get()));
    }

    @Test
    void comparatorDecidesTheOrder() {
        record Job(int priority, String name) {
        }
        PriorityQueue<Job> queue = new PriorityQueue<>(Comparator.comparingInt(Job::priority));
        queue.put(new Job(2, "later"));
        queue.put(new Job(1, "first"));
        assertEquals("first", queue.get().name());
    }

    @Test
    void boundedQueueThrowsFullAndMakesRoomOnGet() {
        PriorityQueue<Integer> queue = new PriorityQueue<>(2, Comparator.reverseOrder());
        queue.put(1);
        queue.put(2);
        assertThrows(Queue.Full.class, () -> queue.put(3, Duration.ofMillis(20)));
        assertEquals(2, queue.get());
        queue.put(3, Duration.ZERO);
        assertEquals(3, queue.poll());
        assertEquals(1, queue.get(Duration.ZERO));
        assertThrows(Queue.Empty.class, () -> queue.get(Duration.ofMillis(20)));
    }

    @Test
    void aRefusedItemGivesItsPlaceBack() {
        PriorityQueue<Object> queue = new PriorityQueue<>(2);
        queue.put("text");
        assertThrows(ClassCastException.class, () -> queue.offer(new Object() { }));
        queue.put("room left", Duration.ZERO);
        assertEquals(2, queue.size());
        assertEquals("room left", queue.get());
    }
}

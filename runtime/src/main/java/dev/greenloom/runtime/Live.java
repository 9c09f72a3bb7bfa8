package dev.greenloom.runtime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The greenlets started and not yet finished, by thread: {@link Green#live()} and
 * {@link Greenlet#current()}. One map entry per running greenlet is all the bookkeeping a greenlet
 * needs to know itself (cheaper than a scoped value binding, which deepens every parked stack).
 */
final class Live {
    private static final Map<Thread, Greenlet<?>> RUNNING = new ConcurrentHashMap<>();

    private Live() {
    }

    static void add(Thread thread, Greenlet<?> greenlet) {
        RUNNING.put(thread, greenlet);
    }

    static void remove(Thread thread) {
        RUNNING.remove(thread);
    }

    static Greenlet<?> of(Thread thread) {
        return RUNNING.get(thread);
    }

    static List<Greenlet<?>> snapshot() {
        return List.copyOf(RUNNING.values());
    }
}

package dev.greenloom.runtime;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The greenlets started and not yet finished, for {@link Green#live()}. */
final class Live {
    private static final Set<Greenlet<?>> RUNNING = ConcurrentHashMap.newKeySet();

    private Live() {
    }

    static void add(Greenlet<?> greenlet) {
        RUNNING.add(greenlet);
    }

    static void remove(Greenlet<?> greenlet) {
        RUNNING.remove(greenlet);
    }

    static List<Greenlet<?>> snapshot() {
        return List.copyOf(RUNNING);
    }
}

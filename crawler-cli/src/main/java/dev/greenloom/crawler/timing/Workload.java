package dev.greenloom.crawler.timing;

import java.util.Objects;

/**
 * A numbered set of tasks that {@link TimingRunner} runs in each {@link Mode}. Implementations must
 * be safe for concurrent use: in {@link Mode#ASYNC} and {@link Mode#THREADS} many tasks run at once.
 */
public interface Workload {
    /** How a task ended: whether it succeeded, and the line it reports. */
    record Outcome(boolean ok, String text) {
        public Outcome {
            Objects.requireNonNull(text, "text == null");
        }
    }

    /** The number of tasks, at least 1. */
    int size();

    /** What the tasks are, for headings: {@code 10 tasks of 500 ms}. */
    String description();

    /**
     * Runs task {@code task} (from 1 to {@link #size()}) and blocks until it ends. A failure is an
     * {@link Outcome} that is not ok, never an exception.
     *
     * @throws dev.greenloom.runtime.GreenletExit if the thread is interrupted (interrupt status kept)
     */
    Outcome run(int task);

    /**
     * Drops what an earlier mode left behind (open connections), so each mode starts alike. Called
     * before each mode's clock starts; does nothing by default.
     */
    default void reset() {
    }
}

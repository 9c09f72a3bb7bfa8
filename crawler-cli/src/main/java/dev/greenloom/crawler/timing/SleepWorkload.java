package dev.greenloom.crawler.timing;

import dev.greenloom.runtime.Green;
import java.time.Duration;
import java.util.Objects;

/** The seed demo's tasks: task {@code N} sleeps with {@link Green#sleep} and reports {@code Task N done}. */
public final class SleepWorkload implements Workload {
    private final int tasks;
    private final Duration sleep;

    /**
     * @param tasks how many tasks, at least 1
     * @param sleep how long each sleeps, not negative
     */
    public SleepWorkload(int tasks, Duration sleep) {
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks < 1");
        }
        Objects.requireNonNull(sleep, "sleep == null");
        if (sleep.isNegative()) {
            throw new IllegalArgumentException("sleep < 0");
        }
        this.tasks = tasks;
        this.sleep = sleep;
    }

    @Override
    public int size() {
        return tasks;
    }

    @Override
    public String description() {
        return tasks + (tasks == 1 ? " task of " : " tasks of ") + DurationText.format(sleep);
    }

    @Override
    public Outcome run(int task) {
        Green.sleep(sleep);
        return new Outcome(true, "Task " + task + " done");
    }
}

package dev.greenloom.runtime;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one shared timer thread of the runtime. It only triggers (starts a greenlet, interrupts a
 * thread) and cancels; it never runs user code.
 */
final class Timers {
    private static final ScheduledThreadPoolExecutor SCHEDULER = newScheduler();

    private Timers() {
    }

    private static ScheduledThreadPoolExecutor newScheduler() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("greenloom-timer").daemon().factory());
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    static ScheduledFuture<?> schedule(Runnable trigger, long delayNanos) {
        return SCHEDULER.schedule(trigger, delayNanos, TimeUnit.NANOSECONDS);
    }
}

package dev.greenloom.crawler.timing;

import java.util.Locale;

/** How {@link TimingRunner} runs a workload's tasks. */
public enum Mode {
    /** One task after another, in one thread. */
    SYNC,
    /** Every task in its own greenlet, all spawned, then joined (or through a {@code Pool}). */
    ASYNC,
    /** The tasks queued to a fixed pool of platform threads. */
    THREADS;

    /** The lower-case name used in output and on the command line: {@code sync}, {@code async}, {@code threads}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** How the tasks run in this mode, for headings: {@code one after another}, {@code as greenlets, 10 at once}. */
    public String how(int concurrency) {
        return switch (this) {
            case SYNC -> "one after another";
            case ASYNC -> "as greenlets, " + concurrency + " at once";
            case THREADS -> "on " + concurrency + " platform thread" + (concurrency == 1 ? "" : "s");
        };
    }
}

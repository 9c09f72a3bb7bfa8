package dev.greenloom.crawler.timing;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The measurements of one mode: its total wall-clock time and one {@link Span} per task, in task order.
 *
 * @param mode how the tasks ran
 * @param concurrency the most tasks that could run at once (1 for {@link Mode#SYNC})
 * @param total from the start of the first task to the end of the last, as the caller saw it
 * @param spans one per task, ordered by {@link Span#task()}
 */
public record ModeRun(Mode mode, int concurrency, Duration total, List<Span> spans) {
    public ModeRun {
        Objects.requireNonNull(mode, "mode == null");
        Objects.requireNonNull(total, "total == null");
        spans = List.copyOf(spans);
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency < 1");
        }
    }

    /** How many tasks failed. */
    public long failed() {
        return spans.stream().filter(span -> !span.ok()).count();
    }

    /** How many times faster than {@code baseline} this mode was: {@code baseline.total / total}. */
    public double speedupOver(ModeRun baseline) {
        return (double) baseline.total.toNanos() / Math.max(1, total.toNanos());
    }
}

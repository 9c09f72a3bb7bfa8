package dev.greenloom.crawler.timing;

import java.time.Duration;
import java.util.Objects;

/**
 * When one task ran, relative to the start of its mode's clock, and how it ended.
 *
 * @param task the task's number, from 1
 * @param start when the task began
 * @param end when the task finished
 * @param ok whether the task succeeded
 * @param outcome what the task reports, e.g. {@code Task 3 done} or {@code 200 http://host/ (612 bytes)}
 */
public record Span(int task, Duration start, Duration end, boolean ok, String outcome) {
    public Span {
        if (task < 1) {
            throw new IllegalArgumentException("task < 1");
        }
        Objects.requireNonNull(start, "start == null");
        Objects.requireNonNull(end, "end == null");
        Objects.requireNonNull(outcome, "outcome == null");
        if (end.compareTo(start) < 0) {
            throw new IllegalArgumentException("end < start");
        }
    }
}

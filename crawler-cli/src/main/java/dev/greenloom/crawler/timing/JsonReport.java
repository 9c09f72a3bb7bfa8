package dev.greenloom.crawler.timing;

import dev.greenloom.crawler.output.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The measurements as JSON lines: for each mode, one {@code "type":"task"} line per task in task
 * order, then one {@code "type":"mode"} summary line. Times are milliseconds on the mode's clock.
 *
 * <pre>
 * {"type":"task","mode":"async","task":1,"start_ms":0.041,"end_ms":500.812,"ok":true,"outcome":"Task 1 done"}
 * {"type":"mode","mode":"async","tasks":10,"concurrency":10,"total_ms":501.337,"failed":0,"speedup":9.99}
 * </pre>
 * {@code speedup} is the sync total divided by this mode's total, or {@code null} when sync did not run.
 */
public final class JsonReport {
    private JsonReport() {
    }

    /** The lines, without line breaks. */
    public static List<String> lines(List<ModeRun> runs) {
        Optional<ModeRun> sync = runs.stream().filter(run -> run.mode() == Mode.SYNC).findFirst();
        List<String> lines = new ArrayList<>();
        for (ModeRun run : runs) {
            for (Span span : run.spans()) {
                lines.add(new Json()
                        .add("type", "task")
                        .add("mode", run.mode().label())
                        .add("task", span.task())
                        .add("start_ms", DurationText.millis(span.start()))
                        .add("end_ms", DurationText.millis(span.end()))
                        .add("ok", span.ok())
                        .add("outcome", span.outcome())
                        .toString());
            }
            lines.add(new Json()
                    .add("type", "mode")
                    .add("mode", run.mode().label())
                    .add("tasks", run.spans().size())
                    .add("concurrency", run.concurrency())
                    .add("total_ms", DurationText.millis(run.total()))
                    .add("failed", run.failed())
                    .add("speedup", sync.map(run::speedupOver).orElse(Double.NaN))
                    .toString());
        }
        return lines;
    }
}

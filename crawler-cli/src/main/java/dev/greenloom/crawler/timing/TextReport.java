package dev.greenloom.crawler.timing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The terminal's view of the measurements: a line per finished task, the summary table and a text timeline. */
public final class TextReport {
    /** Above this many tasks per mode, a timeline row stands for a group of consecutive tasks. */
    static final int MAX_ROWS_PER_MODE = 40;
    private static final char BAR = '█';
    private static final char FAILED_BAR = 'x';

    private TextReport() {
    }

    /** A finished task, with its finishing time on its mode's clock: {@code "  0.501 s  Task 1 done"}. */
    public static String doneLine(Span span) {
        return String.format(Locale.ROOT, "%9s  %s", DurationText.seconds(span.end()), span.outcome());
    }

    /**
     * The summary table: one row per mode with its tasks, how many ran at once, the total time, the
     * speedup over the {@link Mode#SYNC} run (a dash if there is none) and the failures.
     */
    public static List<String> table(List<ModeRun> runs) {
        Optional<ModeRun> sync = runs.stream().filter(run -> run.mode() == Mode.SYNC).findFirst();
        List<String> lines = new ArrayList<>(runs.size() + 1);
        lines.add(String.format(Locale.ROOT, "%-8s %7s %8s %10s %8s %7s", "mode", "tasks", "at once", "total", "speedup", "failed"));
        for (ModeRun run : runs) {
            String speedup = sync.map(base -> String.format(Locale.ROOT, "%.1fx", run.speedupOver(base))).orElse("-");
            lines.add(String.format(Locale.ROOT, "%-8s %7d %8d %10s %8s %7d", run.mode().label(), run.spans().size(),
                    run.concurrency(), DurationText.seconds(run.total()), speedup, run.failed()));
        }
        return lines;
    }

    /**
     * A timeline of all runs on one time scale (0 to the longest total) {@code width} columns wide:
     * one row per task, a bar from its start to its end ({@code x} for a failed task). With more than
     * {@value #MAX_ROWS_PER_MODE} tasks in a mode, each row covers a group of consecutive tasks,
     * from the first start to the last end among them.
     */
    public static List<String> timeline(List<ModeRun> runs, int width) {
        if (width < 10) {
            throw new IllegalArgumentException("width < 10");
        }
        long scale = Math.max(1, runs.stream().mapToLong(run -> run.total().toNanos()).max().orElse(1));
        List<String> lines = new ArrayList<>();
        double columnMillis = scale / 1e6 / width;
        // Runs of fast tasks (--sleep 0, a local site) have columns below a millisecond, not of 0 ms.
        lines.add(String.format(Locale.ROOT, columnMillis < 1 ? "timeline: 0 to %s, one column = %.3f ms"
                : "timeline: 0 to %s, one column = %.0f ms", DurationText.seconds(Duration.ofNanos(scale)), columnMillis));
        List<String[]> rows = new ArrayList<>(); // mode, tasks, bar
        for (ModeRun run : runs) {
            List<Span> spans = run.spans();
            int perRow = (spans.size() + MAX_ROWS_PER_MODE - 1) / MAX_ROWS_PER_MODE;
            for (int from = 0; from < spans.size(); from += perRow) {
                List<Span> group = spans.subList(from, Math.min(spans.size(), from + perRow));
                String mode = from == 0 ? run.mode().label() : "";
                String tasks = group.size() == 1 ? "#" + group.getFirst().task()
                        : "#" + group.getFirst().task() + "-" + group.getLast().task();
                rows.add(new String[] {mode, tasks, bar(group, scale, width)});
            }
        }
        // As wide as the longest label, so that the bars line up: 12 fits any below 100,000 tasks, not "#97501-100000".
        int tasksWidth = Math.max(12, rows.stream().mapToInt(row -> row[1].length()).max().orElse(0));
        for (String[] row : rows) {
            lines.add(String.format(Locale.ROOT, "%-8s %-" + tasksWidth + "s |%s|", row[0], row[1], row[2]));
        }
        return lines;
    }

    private static String bar(List<Span> group, long scale, int width) {
        long start = group.stream().mapToLong(span -> span.start().toNanos()).min().orElseThrow();
        long end = group.stream().mapToLong(span -> span.end().toNanos()).max().orElseThrow();
        boolean ok = group.stream().allMatch(Span::ok);
        int from = (int) Math.min(width - 1, Math.round((double) start * width / scale));
        int to = (int) Math.max(from + 1, Math.min(width, Math.round((double) end * width / scale)));
        return " ".repeat(from) + String.valueOf(ok ? BAR : FAILED_BAR).repeat(to - from) + " ".repeat(width - to);
    }
}

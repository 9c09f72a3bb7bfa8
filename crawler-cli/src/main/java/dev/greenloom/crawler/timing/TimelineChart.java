package dev.greenloom.crawler.timing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Draws the measurements as a self-contained timeline, as SVG or as an HTML page embedding that SVG
 * (no scripts, no external resources): one band per mode, one bar per task from its start to its
 * end on a shared time axis in milliseconds, the mode's total as a dashed line. Each bar is a
 * {@code <rect class="task MODE">} (plus {@code failed} for a failed task) with a {@code <title>}
 * tooltip.
 */
public final class TimelineChart {
    private static final int WIDTH = 960;
    private static final int LEFT = 200;
    private static final int RIGHT = 30;
    private static final int PLOT = WIDTH - LEFT - RIGHT;
    private static final int AXIS_Y = 78;
    private static final int BAND_HEADER = 8;
    private static final int BAND_GAP = 14;
    private static final double ROW = 16;
    /** Bands with more tasks than this share this many rows' height among their bars. */
    private static final int MAX_FULL_ROWS = 40;
    private static final String FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\"";

    private TimelineChart() {
    }

    /** The file kinds {@link #write} knows, by extension. */
    public enum Format {
        SVG, HTML;

        /**
         * The format for {@code file} by its extension ({@code .svg}, {@code .html} or {@code .htm}, any case).
         *
         * @throws IllegalArgumentException for any other extension
         */
        public static Format of(Path file) {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".svg")) {
                return SVG;
            }
            if (name.endsWith(".html") || name.endsWith(".htm")) {
                return HTML;
            }
            throw new IllegalArgumentException(file + ": a chart file must end in .svg or .html");
        }
    }

    /**
     * Writes the chart to {@code file}, as SVG or HTML by its extension (see {@link Format#of}).
     *
     * @throws UncheckedIOException if the file cannot be written
     */
    public static void write(Path file, String title, List<ModeRun> runs) {
        String chart = switch (Format.of(file)) {
            case SVG -> "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg(title, runs);
            case HTML -> html(title, runs);
        };
        try {
            Files.writeString(file, chart, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** An HTML page: the title as a heading, the SVG chart inline, and the summary table. */
    public static String html(String title, List<ModeRun> runs) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>%1$s</title>
                <style>body{font-family:system-ui,sans-serif;margin:2em;color:#1f2328}svg{max-width:100%%;height:auto}</style>
                </head>
                <body>
                <h1>%1$s</h1>
                %2$s
                <pre>%3$s</pre>
                </body>
                </html>
                """.formatted(escape(title), svg(title, runs), escape(String.join("\n", TextReport.table(runs))));
    }

    /** The chart as an {@code <svg>} element, without an XML declaration. */
    public static String svg(String title, List<ModeRun> runs) {
        Objects.requireNonNull(title, "title == null");
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("runs is empty");
        }
        long scale = Math.max(1, runs.stream().mapToLong(run -> run.total().toNanos()).max().orElseThrow());
        double height = AXIS_Y + 12;
        for (ModeRun run : runs) {
            height += bandHeight(run) + BAND_GAP;
        }
        height += 20;
        StringBuilder svg = new StringBuilder(4096 + 300 * runs.stream().mapToInt(run -> run.spans().size()).sum());
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\""
                + " viewBox=\"0 0 %d %.0f\" %s font-size=\"12\">%n", WIDTH, height, WIDTH, height, FONT));
        svg.append("<title>").append(escape(title)).append("</title>\n");
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%.0f\" fill=\"#ffffff\"/>%n", WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"20\" y=\"32\" font-size=\"19\" font-weight=\"bold\" fill=\"#1f2328\">%s</text>%n",
                escape(title)));
        // Backgrounds first, so that the time grid shows through every band.
        double y = AXIS_Y + 12;
        for (ModeRun run : runs) {
            svg.append(String.format(Locale.ROOT,
                    "<rect class=\"background %s\" x=\"10\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" rx=\"6\" fill=\"#f6f8fa\"/>%n",
                    run.mode().label(), y, WIDTH - 20, bandHeight(run)));
            y += bandHeight(run) + BAND_GAP;
        }
        axis(svg, scale, height);
        y = AXIS_Y + 12;
        for (ModeRun run : runs) {
            band(svg, run, runs, scale, y);
            y += bandHeight(run) + BAND_GAP;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void axis(StringBuilder svg, long scale, double height) {
        double step = tickStep(scale / 1e6);
        svg.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"#57606a\">time (ms)</text>%n", LEFT - 12, AXIS_Y - 8));
        for (int tick = 0; tick * step <= scale / 1e6 + 1e-9; tick++) {
            double ms = tick * step;
            double x = x(ms * 1e6, scale);
            svg.append(String.format(Locale.ROOT, "<line class=\"tick\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#d8dee4\" stroke-dasharray=\"2 3\"/>%n",
                    x, AXIS_Y - 4, x, height - 20));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#57606a\">%s</text>%n",
                    x, AXIS_Y - 8, trim(ms)));
        }
    }

    private static void band(StringBuilder svg, ModeRun run, List<ModeRun> runs, long scale, double top) {
        String mode = run.mode().label();
        double height = bandHeight(run);
        svg.append(String.format(Locale.ROOT, "<g class=\"band %s\">%n", mode));
        svg.append(String.format(Locale.ROOT, "<text x=\"20\" y=\"%.1f\" font-size=\"16\" font-weight=\"bold\" fill=\"%s\">%s</text>%n",
                top + 24, color(run.mode()), mode));
        svg.append(String.format(Locale.ROOT, "<text x=\"20\" y=\"%.1f\" fill=\"#1f2328\">%s total</text>%n",
                top + 42, DurationText.seconds(run.total())));
        runs.stream().filter(other -> other.mode() == Mode.SYNC).findFirst().ifPresent(sync ->
                svg.append(String.format(Locale.ROOT, "<text x=\"20\" y=\"%.1f\" fill=\"#57606a\">%.1fx vs sync</text>%n",
                        top + 58, run.speedupOver(sync))));
        svg.append(String.format(Locale.ROOT, "<text x=\"20\" y=\"%.1f\" fill=\"#57606a\">%s</text>%n",
                top + 74, escape(run.mode().how(run.concurrency()))));
        double row = rowHeight(run);
        boolean numbered = run.spans().size() <= MAX_FULL_ROWS;
        for (Span span : run.spans()) {
            double y = top + BAND_HEADER + (span.task() - 1) * row;
            double x1 = x(span.start().toNanos(), scale);
            double x2 = Math.max(x1 + 1, x(span.end().toNanos(), scale));
            svg.append(String.format(Locale.ROOT,
                    "<rect class=\"task %s%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" rx=\"%.1f\" fill=\"%s\">"
                            + "<title>%s #%d: %.1f to %.1f ms, %s</title></rect>%n",
                    mode, span.ok() ? "" : " failed", x1, y + row * 0.15, x2 - x1, row * 0.7, Math.min(3, row * 0.2),
                    span.ok() ? color(run.mode()) : "#cf222e", mode, span.task(), DurationText.millis(span.start()),
                    DurationText.millis(span.end()), escape(span.outcome())));
            if (numbered) {
                svg.append(String.format(Locale.ROOT,
                        "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"10\" fill=\"#8c959f\">%d</text>%n",
                        LEFT - 6, y + row * 0.75, span.task()));
            }
        }
        double total = x(run.total().toNanos(), scale);
        boolean labelLeft = total > LEFT + PLOT * 0.8;
        svg.append(String.format(Locale.ROOT,
                "<line class=\"total\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1f2328\" stroke-dasharray=\"4 3\"/>%n",
                total, top + 4, total, top + height - 4));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-weight=\"bold\" fill=\"#1f2328\">%s</text>%n",
                total + (labelLeft ? -6 : 6), top + 18, labelLeft ? "end" : "start", DurationText.seconds(run.total())));
        svg.append("</g>\n");
    }

    private static double rowHeight(ModeRun run) {
        int tasks = run.spans().size();
        return tasks <= MAX_FULL_ROWS ? ROW : ROW * MAX_FULL_ROWS / tasks;
    }

    /** Tall enough for the bars and for the four lines of the label. */
    private static double bandHeight(ModeRun run) {
        return Math.max(84, BAND_HEADER * 2 + rowHeight(run) * run.spans().size());
    }

    private static double x(double nanos, long scale) {
        return LEFT + PLOT * nanos / scale;
    }

    /** 1, 2 or 5 times a power of ten: the smallest such step giving at most 10 ticks after 0 up to {@code maxMillis}. */
    static double tickStep(double maxMillis) {
        double step = Math.pow(10, Math.floor(Math.log10(Math.max(maxMillis, 1e-3))) - 1);
        for (double factor : new double[] {1, 2, 5}) {
            if (maxMillis / (step * factor) <= 10) {
                return step * factor;
            }
        }
        return step * 10;
    }

    private static String trim(double ms) {
        return ms == Math.rint(ms) ? String.valueOf((long) ms) : String.format(Locale.ROOT, "%.2f", ms);
    }

    private static String color(Mode mode) {
        return switch (mode) {
            case SYNC -> "#8c959f";
            case ASYNC -> "#1a7f37";
            case THREADS -> "#0969da";
        };
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.appendCodePoint(isXmlChar(c) ? c : ' ');
            }
        }
        return out.toString();
    }

    /** XML 1.0's Char production, less carriage return: a lone surrogate, U+FFFE or U+FFFF make a document malformed. */
    private static boolean isXmlChar(int c) {
        return c == '\n' || c == '\t' || (c >= 0x20 && c < 0xD800) || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
    }
}

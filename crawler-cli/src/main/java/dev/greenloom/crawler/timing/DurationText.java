package dev.greenloom.crawler.timing;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/** Durations as people read them in timing's reports: {@code 500 ms}, {@code 0.502 s}. */
public final class DurationText {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)");

    private DurationText() {
    }

    /** A short form for headings: {@code 500 ms} below a second, else seconds: {@code 2 s}, {@code 1.5 s}. */
    public static String format(Duration duration) {
        BigDecimal millis = BigDecimal.valueOf(duration.toNanos(), 6);
        if (millis.compareTo(BigDecimal.valueOf(1000)) < 0) {
            return millis.stripTrailingZeros().toPlainString() + " ms";
        }
        return millis.movePointLeft(3).stripTrailingZeros().toPlainString() + " s";
    }

    /** Seconds with three decimals, for measurements: {@code 0.502 s}. */
    public static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.3f s", duration.toNanos() / 1e9);
    }

    /** Milliseconds as a number with up to three decimals, for JSON and charts. */
    public static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }
}

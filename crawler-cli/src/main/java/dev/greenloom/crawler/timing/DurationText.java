package dev.greenloom.crawler.timing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people type and read them: {@code 500ms}, {@code 0.5s}, {@code 2s}, {@code 1m}. */
public final class DurationText {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m)");

    private DurationText() {
    }

    /**
     * Parses a non-negative decimal number followed by a unit: {@code ms}, {@code s} or {@code m}
     * (case-insensitive, white space around ignored), rounded to the nanosecond.
     *
     * @throws IllegalArgumentException if {@code text} is not of that form or too large
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text == null");
        Matcher matcher = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 500ms, 0.5s, 2s or 1m");
        }
        long unitNanos = switch (matcher.group(2)) {
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            default -> 60_000_000_000L;
        };
        try {
            BigDecimal nanos = new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(unitNanos));
            return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration", e);
        }
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

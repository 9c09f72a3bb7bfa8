package dev.greenloom.crawler.cli;

import dev.greenloom.crawler.fetch.Fetcher;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters for human-friendly option values: durations ({@code 250ms}, {@code 1.5s}) and sizes ({@code 10M}). */
final class Units {
    private Units() {
    }

    /**
     * A duration: a number with {@code ms}, {@code s}, {@code m} or {@code h}, a bare number being
     * seconds, or ISO-8601 ({@code PT2S}). Registered for every {@link Duration} option in
     * {@link Main#newCommandLine}.
     */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String text = value.strip().toLowerCase(Locale.ROOT);
            if (text.startsWith("pt")) {
                try {
                    Duration duration = Duration.parse(text);
                    if (!duration.isNegative()) {
                        return duration;
                    }
                } catch (DateTimeParseException e) {
                    // reported below, as for any other malformed value
                }
                throw new TypeConversionException("'" + value + "' is not a duration like 500ms, 2s, 1.5m");
            }
            String[][] units = {{"ms", "0.001"}, {"s", "1"}, {"m", "60"}, {"h", "3600"}};
            BigDecimal scale = BigDecimal.ONE;
            for (String[] unit : units) {
                if (text.endsWith(unit[0])) {
                    text = text.substring(0, text.length() - unit[0].length()).strip();
                    scale = new BigDecimal(unit[1]);
                    break;
                }
            }
            try {
                BigDecimal seconds = new BigDecimal(text).multiply(scale);
                if (seconds.signum() < 0) {
                    throw new TypeConversionException("'" + value + "' is negative");
                }
                return Duration.ofNanos(seconds.movePointRight(9).longValueExact());
            } catch (NumberFormatException | ArithmeticException e) {
                throw new TypeConversionException("'" + value + "' is not a duration like 500ms, 2s, 1.5m");
            }
        }
    }

    /**
     * {@code "OPTION must be from 1ms to 24 days"} if {@code timeout} is outside what OkHttp and a DNS try over TCP
     * take (whole milliseconds up to Integer.MAX_VALUE), else null.
     */
    static String timeoutProblem(String option, Duration timeout) {
        return timeout.compareTo(Fetcher.MIN_TIMEOUT) < 0 || timeout.compareTo(Fetcher.MAX_TIMEOUT) > 0
                ? option + " must be from 1ms to 24 days" : null;
    }

    /** A duration as the options take it, for messages, unrounded: {@code 500ms}, {@code 2s}, {@code 0.5ms}. */
    static String text(Duration duration) {
        BigDecimal millis = BigDecimal.valueOf(duration.toNanos(), 6);
        return millis.remainder(BigDecimal.valueOf(1000)).signum() == 0
                ? duration.toSeconds() + "s" : millis.stripTrailingZeros().toPlainString() + "ms";
    }

    /** A size in bytes: a whole number, optionally with {@code k}, {@code M} or {@code G} (powers of 1024). */
    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String text = value.strip().toUpperCase(Locale.ROOT).replaceAll("I?B$", "");
            long scale = 1;
            if (!text.isEmpty() && "KMG".indexOf(text.charAt(text.length() - 1)) >= 0) {
                scale = 1L << (10 * ("KMG".indexOf(text.charAt(text.length() - 1)) + 1));
                text = text.substring(0, text.length() - 1);
            }
            try {
                return Math.multiplyExact(Long.parseLong(text.strip()), scale);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new TypeConversionException("'" + value + "' is not a size like 500k, 10M");
            }
        }
    }
}

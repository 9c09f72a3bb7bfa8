package dev.greenloom.crawler.fetch;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.Headers;

/**
 * How long to wait before retry number {@code attempt + 1}: exponential backoff with jitter, or the server's
 * {@code Retry-After} (delta seconds or an HTTP date) when it sent one; never longer than {@code cap}, and no
 * retry at all when the server asks for a longer wait. Immutable and safe for concurrent use.
 *
 * @param base the wait before the first retry, before jitter; doubled for each further retry
 * @param cap the longest wait
 */
record Backoff(Duration base, Duration cap) {
    Backoff {
        if (base.isNegative()) {
            throw new IllegalArgumentException("base < 0");
        }
        if (cap.isNegative()) {
            throw new IllegalArgumentException("cap < 0");
        }
    }

    /**
     * The wait before the retry after failed attempt {@code attempt} (0 for the first attempt), or null if
     * {@code retryAfter} asks for a wait longer than {@code cap}: retrying sooner than the server allows would not
     * honour it, so the caller gives up instead.
     *
     * @param retryAfter the response's {@code Retry-After} header, or null
     * @param now the current time, to turn an HTTP date into a wait
     */
    Duration delay(int attempt, String retryAfter, Instant now) {
        Duration asked = retryAfter == null ? null : parseRetryAfter(retryAfter.strip(), now);
        Duration wait;
        if (asked != null) {
            if (asked.compareTo(cap) > 0) {
                return null;
            }
            wait = asked;
        } else {
            // "Equal jitter": half the exponential step is fixed, half random, so clients spread out yet back off.
            long step = base.toNanos() << Math.min(attempt, 20);
            wait = Duration.ofNanos(step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1));
        }
        return wait.compareTo(cap) > 0 ? cap : wait;
    }

    /**
     * The wait a {@code Retry-After} value asks for, or null if it is neither delta seconds nor an HTTP date (any of
     * the three forms RFC 9110 says a recipient must accept: IMF-fixdate, RFC 850 and asctime; OkHttp parses them).
     */
    static Duration parseRetryAfter(String value, Instant now) {
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
            return value.length() > 9 ? Duration.ofSeconds(999_999_999) : Duration.ofSeconds(Long.parseLong(value));
        }
        Date when;
        try {
            when = Headers.of("Retry-After", value).getDate("Retry-After");
        } catch (IllegalArgumentException notAHeaderValue) {
            return null;
        }
        if (when == null) {
            return null;
        }
        Duration wait = Duration.between(now, when.toInstant());
        return wait.isNegative() ? Duration.ZERO : wait;
    }
}

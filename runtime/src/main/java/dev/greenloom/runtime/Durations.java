package dev.greenloom.runtime;

import java.time.Duration;

/** Duration checks shared by the runtime's timed methods. */
final class Durations {
    private Durations() {
    }

    /** The timeout in nanoseconds, saturated at Long.MAX_VALUE; negative timeouts count as zero. */
    static long nanos(Duration timeout) {
        return nanos(timeout, "timeout");
    }

    /**
     * {@code duration} in nanoseconds, as {@link #nanos(Duration)}.
     *
     * @throws NullPointerException naming the argument {@code name} if {@code duration} is null
     */
    static long nanos(Duration duration, String name) {
        if (duration == null) {
            throw new NullPointerException(name + " == null");
        }
        if (duration.isNegative()) {
            return 0;
        }
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /** The System.nanoTime() deadline {@code timeout} from now, saturated. */
    static long deadline(Duration timeout) {
        long nanos = nanos(timeout);
        long now = System.nanoTime();
        return nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
    }

    /** Nanoseconds left until {@code deadline}, at least zero. */
    static long remaining(long deadline) {
        return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, deadline - System.nanoTime());
    }
}

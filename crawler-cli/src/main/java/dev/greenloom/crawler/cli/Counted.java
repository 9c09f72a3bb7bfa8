package dev.greenloom.crawler.cli;

import java.util.Locale;

/** A count and its noun, for summaries: {@code 1 page}, {@code 1,200 pages}. */
final class Counted {
    private Counted() {
    }

    /** {@code count} grouped by thousands, then {@code noun}, plural unless the count is one. */
    static String of(long count, String noun) {
        return String.format(Locale.ROOT, "%,d %s%s", count, noun, count == 1 ? "" : "s");
    }
}

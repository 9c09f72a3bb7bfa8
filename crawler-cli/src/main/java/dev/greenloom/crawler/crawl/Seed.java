package dev.greenloom.crawler.crawl;

import java.util.Objects;

/**
 * A URL to start from: an input line ({@link #listed}), or a URL discovered by an earlier, interrupted run and
 * read back from its frontier ({@link #resumed}).
 *
 * @param url the URL text, not yet checked or normalised
 * @param depth links followed from the list to reach it (0 for a listed URL)
 * @param parent the page it was found on, or null for a listed URL
 * @param origin where a listed URL came from, e.g. {@code urls.txt:3}; null for a resumed one
 */
public record Seed(String url, int depth, String parent, String origin) {
    public Seed {
        Objects.requireNonNull(url, "url == null");
        if (depth < 0) {
            throw new IllegalArgumentException("depth < 0");
        }
    }

    /** An input line. */
    public static Seed listed(String url, String origin) {
        return new Seed(url, 0, null, Objects.requireNonNull(origin, "origin == null"));
    }

    /** A URL an earlier run discovered and did not finish. */
    public static Seed resumed(String url, int depth, String parent) {
        return new Seed(url, depth, parent, null);
    }

    /** True for an input line: it gets an output line even when it is a duplicate or malformed. */
    public boolean listed() {
        return origin != null;
    }
}

package dev.greenloom.crawler.output;

import java.util.Objects;

/**
 * A URL the crawler discovered and queued.
 *
 * @param url    the normalised URL
 * @param depth  its link distance from the seed list
 * @param parent the page it was found on, or null for a listed URL
 */
public record FrontierEntry(String url, int depth, String parent) {
    public FrontierEntry {
        Objects.requireNonNull(url, "url == null");
        if (depth < 0) {
            throw new IllegalArgumentException("depth < 0");
        }
    }
}

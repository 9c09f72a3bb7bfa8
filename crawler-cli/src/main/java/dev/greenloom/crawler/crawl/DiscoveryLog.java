package dev.greenloom.crawler.crawl;

import java.io.IOException;

/**
 * Told of every link a crawl queues, so that an interrupted crawl can be resumed. Called from one thread at a
 * time, in the order links were queued.
 */
@FunctionalInterface
public interface DiscoveryLog {
    /** Records that {@code url} (normalised) was queued at {@code depth}, found on {@code parent}. */
    void discovered(String url, int depth, String parent) throws IOException;
}

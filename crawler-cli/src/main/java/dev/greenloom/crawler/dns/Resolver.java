package dev.greenloom.crawler.dns;

/**
 * Resolves DNS names; shared by {@code greenloom resolve} and the crawler's HTTP client.
 * Implementations must be safe for concurrent use by many greenlets.
 */
public interface Resolver {
    /**
     * Looks up the records of {@code type} for {@code name}, blocking the calling (virtual) thread.
     * Every DNS outcome (NXDOMAIN, no data, SERVFAIL, timeout, a bad name) is returned as data in
     * the {@link Resolution}, never thrown.
     *
     * @throws dev.greenloom.runtime.GreenletExit if the calling thread is interrupted (killed)
     */
    Resolution resolve(String name, RecordType type);
}

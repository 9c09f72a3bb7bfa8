package dev.greenloom.crawler.crawl;

/**
 * A queued page: what the frontier holds per URL, and nothing more.
 *
 * @param url the normalised URL
 * @param depth links followed from the list to reach it
 * @param parent the page it was found on, or null for a listed URL
 * @param siteKey the scope key its links and redirects are checked against; null for a listed URL, which may
 *     redirect anywhere and whose links are checked against its final URL's key
 * @param host the politeness state of its host
 */
record Work(String url, int depth, String parent, String siteKey, Host host) {
}

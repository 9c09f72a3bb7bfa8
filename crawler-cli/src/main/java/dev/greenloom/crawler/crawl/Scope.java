package dev.greenloom.crawler.crawl;

import crawlercommons.domains.EffectiveTldFinder;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * Which discovered links a recursive crawl follows: those on the same host as the page's seed (or in the same
 * registered domain, per the public suffix list: {@code www.example.co.uk} and {@code shop.example.co.uk} share
 * {@code example.co.uk}, and by its default rule {@code www.site.test} and {@code docs.site.test} share
 * {@code site.test}), matching at least one {@code include} pattern if any are given, and no {@code exclude}
 * pattern. Patterns are found anywhere in the URL ({@link java.util.regex.Matcher#find()}). Immutable and
 * thread-safe.
 */
public record Scope(Mode mode, List<Pattern> includes, List<Pattern> excludes) {
    /** How far from its seed a crawl may go. */
    public enum Mode {
        /** Only the seed's host name (the port and scheme may differ). */
        SAME_HOST,
        /** Any host in the seed's registered domain. */
        SAME_DOMAIN
    }

    public Scope {
        Objects.requireNonNull(mode, "mode == null");
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
    }

    /** The key of {@code url}'s site under this scope: its host, or its registered domain; null if not a URL. */
    public String key(String url) {
        HttpUrl parsed = HttpUrl.parse(url);
        if (parsed == null) {
            return null;
        }
        String host = parsed.host().toLowerCase(Locale.ROOT);
        // A fully qualified name's trailing dot (www.example.com.) ends no label, and the normalised links have none:
        // left on, a page redirected there would have no link in scope (the list, for its domain, would even take the
        // empty last label for the suffix, and all of *.com. for one site).
        if (host.length() > 1 && host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (mode == Mode.SAME_HOST) {
            return host;
        }
        String domain = EffectiveTldFinder.getAssignedDomain(host, true, false);
        if (domain != null || EffectiveTldFinder.getEffectiveTLD(host, false) != null || isIpAddress(host)) {
            return domain == null ? host : domain; // a public suffix itself (co.uk) is a site of its own
        }
        // A suffix the list lacks (.test, .corp, .internal) takes the list's default rule '*': its last label is
        // the public suffix, so www.site.test and docs.site.test share site.test.
        int lastDot = host.lastIndexOf('.');
        int secondLast = lastDot <= 0 ? -1 : host.lastIndexOf('.', lastDot - 1);
        return host.substring(secondLast + 1);
    }

    /** True for an IPv4 or IPv6 address as {@link HttpUrl#host()} gives it (no brackets): no domain to share. */
    private static boolean isIpAddress(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /** True if a link to {@code url} found on a page whose site key is {@code siteKey} is in scope. */
    public boolean allows(String url, String siteKey) {
        return whyNot(url, siteKey) == null;
    }

    /**
     * Why {@code url} is out of scope for a page whose site key is {@code siteKey}, such as "not on host
     * www.example.com" or "matching the exclude pattern \.pdf$"; null if it is in scope.
     */
    public String whyNot(String url, String siteKey) {
        if (!Objects.equals(key(url), siteKey)) {
            return (mode == Mode.SAME_HOST ? "not on host " : "not in the domain ") + siteKey;
        }
        if (!includes.isEmpty() && includes.stream().noneMatch(p -> p.matcher(url).find())) {
            return "matching no include pattern";
        }
        return excludes.stream()
                .filter(p -> p.matcher(url).find())
                .findFirst()
                .map(p -> "matching the exclude pattern " + p)
                .orElse(null);
    }
}

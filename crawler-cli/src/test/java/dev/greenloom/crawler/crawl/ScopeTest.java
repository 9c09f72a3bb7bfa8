package dev.greenloom.crawler.crawl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class ScopeTest {
    @ParameterizedTest
    @CsvSource({
        "SAME_HOST, http://www.example.com/a, http://www.example.com:8080/b, true",
        "SAME_HOST, http://www.example.com/a, https://www.example.com/b, true",
        "SAME_HOST, http://www.example.com/a, http://blog.example.com/b, false",
        "SAME_DOMAIN, http://www.example.com/a, http://blog.example.com/b, true",
        "SAME_DOMAIN, http://www.example.co.uk/a, http://shop.example.co.uk/b, true",
        "SAME_DOMAIN, http://www.example.co.uk/a, http://other.co.uk/b, false",
        "SAME_DOMAIN, http://127.0.0.1:8080/a, http://127.0.0.1:9090/b, true",
        // Names under a suffix the public suffix list lacks take its default rule: the last label is the suffix.
        "SAME_DOMAIN, http://www.site.test/a, http://docs.site.test/b, true",
        "SAME_DOMAIN, http://wiki.acme.corp/a, http://acme.corp/b, true",
        "SAME_DOMAIN, http://www.site.test/a, http://www.other.test/b, false",
        "SAME_DOMAIN, http://127.0.0.1/a, http://127.0.0.2/b, false",
        "SAME_DOMAIN, http://[::1]/a, http://[::2]/b, false",
        "SAME_DOMAIN, http://localhost/a, http://other/b, false",
        // A fully qualified name's trailing dot is no label: its host and domain are the ones without the dot.
        "SAME_HOST, http://www.example.com./a, http://www.example.com/b, true",
        "SAME_HOST, http://www.example.com./a, http://blog.example.com/b, false",
        "SAME_DOMAIN, http://www.example.co.uk./a, http://shop.example.co.uk./b, true",
        "SAME_DOMAIN, http://www.example.co.uk./a, http://shop.example.co.uk/b, true",
        "SAME_DOMAIN, http://www.example.co.uk./a, http://other.co.uk./b, false",
        "SAME_DOMAIN, http://www.example.com./a, http://other.com./b, false",
        "SAME_DOMAIN, http://www.site.test./a, http://www.other.test./b, false"})
    void linksAreInScopeOfTheirSeedsSite(Scope.Mode mode, String seed, String link, boolean allowed) {
        Scope scope = new Scope(mode, List.of(), List.of());

        assertEquals(allowed, scope.allows(link, scope.key(seed)));
    }

    @Test
    void includesMustMatchAndExcludesMustNot() {
        Scope scope = new Scope(Scope.Mode.SAME_HOST, List.of(Pattern.compile("/docs/"), Pattern.compile("/api/")),
                List.of(Pattern.compile("\\.pdf$")));
        String key = scope.key("http://h/");

        assertEquals(true, scope.allows("http://h/docs/a", key));
        assertEquals(true, scope.allows("http://h/api/b", key));
        assertEquals(false, scope.allows("http://h/blog/c", key));
        assertEquals(false, scope.allows("http://h/docs/d.pdf", key));
    }

    @Test
    void whyNotNamesWhatKeepsAUrlOut() {
        Scope scope = new Scope(Scope.Mode.SAME_HOST, List.of(), List.of(Pattern.compile("\\.pdf$")));
        String key = scope.key("http://h/");

        assertEquals("not on host h", scope.whyNot("http://other/a", key));
        assertEquals("matching the exclude pattern \\.pdf$", scope.whyNot("http://h/a.pdf", key));
        assertEquals(null, scope.whyNot("http://h/a", key));
    }
}

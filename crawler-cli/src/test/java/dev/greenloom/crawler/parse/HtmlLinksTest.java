package dev.greenloom.crawler.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class HtmlLinksTest {
    private static List<String> links(String html, String pageUrl) {
        return HtmlLinks.extract(html.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8", pageUrl);
    }

    @Test
    void resolvesRelativeLinksAgainstThePage() {
        assertEquals(List.of("http://h/dir/b.html", "http://h/c", "https://other/x"),
                links("<a href=b.html>b</a><a href='/c'>c</a><a href='https://other/x'>x</a>", "http://h/dir/a.html"));
    }

    @Test
    void honoursBaseHref() {
        assertEquals(List.of("http://cdn/base/page"),
                links("<head><base href='http://cdn/base/'></head><a href=page>p</a>", "http://h/a"));
    }

    @Test
    void followsAreaAndRelNextButNotStylesheets() {
        assertEquals(List.of("http://h/2", "http://h/map"),
                links("<link rel=stylesheet href=s.css><link rel=next href=2>"
                        + "<map><area href=map></map>", "http://h/1"));
    }

    @Test
    void dropsOtherSchemesFragmentsAndRepeats() {
        assertEquals(List.of("http://h/a", "http://h/"), links("<a href='javascript:go()'>j</a><a href='mailto:x@h'>m</a>"
                + "<a href='a#top'>a</a><a href=a>again</a><a href='#'>self</a><a>none</a>", "http://h/"));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        "text/html, true",
        "text/html; charset=ISO-8859-1, true",
        "TEXT/HTML, true",
        "application/xhtml+xml, true",
        "application/json, false",
        "image/png, false",
        "null, false"})
    void onlyHtmlIsParsed(String contentType, boolean html) {
        assertEquals(html, HtmlLinks.isHtml(contentType));
    }
}

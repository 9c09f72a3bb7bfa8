package dev.greenloom.crawler.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class HtmlLinksTest {
    private static List<String> links(String html, String pageUrl) {
        return HtmlLinks.extract(html.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8", pageUrl, true);
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

    /** HTML's "set the frozen base URL": a base that fails to parse, or is javascript: or data:, is the page's URL. */
    @ParameterizedTest
    @CsvSource({"javascript:void(0)", "JavaScript:history.back()", "data:text/html,x", "http://h:99999/"})
    void aBaseHrefABrowserWouldNotUseLeavesLinksRelativeToThePage(String base) {
        assertEquals(List.of("http://h/a/page", "http://h/top"),
                links("<head><base href='" + base + "'></head><a href=page>p</a><a href=/top>t</a>", "http://h/a/b"));
    }

    @Test
    void aBaseHrefOfAnotherSchemeLeavesNoRelativeLinkToFollow() {
        assertEquals(List.of("http://x/abs"),
                links("<head><base href='ftp://h/p/'></head><a href=page>p</a><a href='http://x/abs'>x</a>", "http://h/a"));
    }

    @Test
    void followsAreaAndRelNextButNotStylesheets() {
        assertEquals(List.of("http://h/2", "http://h/map"),
                links("<link rel=stylesheet href=s.css><link rel=next href=2>"
                        + "<map><area href=map></map>", "http://h/1"));
    }

    @Test
    void followsFramesIframesAndARefreshsUrl() {
        assertEquals(List.of("http://h/nav.html", "http://h/main.html"),
                links("<frameset><frame src=nav.html><frame src='main.html'></frameset>", "http://h/"));
        assertEquals(List.of("http://h/moved/", "http://h/q", "http://h/ad"),
                links("<head><meta http-equiv=Refresh content='0; URL=\"moved/\"'><meta http-equiv=refresh content='5,q'>"
                        + "<meta http-equiv=refresh content=30></head><body><iframe src=/ad></iframe>", "http://h/"));
    }

    @Test
    void aRobotsMetaNofollowMeansNoLinksUnlessRobotsAreIgnored() {
        for (String content : List.of("NOFOLLOW", "noindex, nofollow", "none")) {
            byte[] page = ("<meta name=robots content='" + content + "'><a href=/a>a</a>").getBytes(StandardCharsets.UTF_8);
            assertEquals(List.of(), HtmlLinks.extract(page, "text/html", "http://h/", true), content);
            assertEquals(List.of("http://h/a"), HtmlLinks.extract(page, "text/html", "http://h/", false), content);
        }
        assertEquals(List.of("http://h/a"), links("<meta name=robots content=noindex><a href=/a>a</a>", "http://h/"));
    }

    @Test
    void relIsASetOfTokens() {
        assertEquals(List.of("http://h/2", "http://h/0", "http://h/3"),
                links("<link rel='prefetch next' href=2><link rel=' Prev ' href=0><link rel='next\tprefetch' href=3>"
                        + "<link rel='nextpage' href=no><link rel='stylesheet prev-style' href=no.css>", "http://h/1"));
    }

    @Test
    void dropsOtherSchemesFragmentsAndRepeats() {
        assertEquals(List.of("http://h/a", "http://h/"), links("<a href='javascript:go()'>j</a><a href='mailto:x@h'>m</a>"
                + "<a href='a#top'>a</a><a href=a>again</a><a href='#'>self</a><a>none</a>", "http://h/"));
    }

    @Test
    void resolvesRelativeBaseHrefAgainstThePage() {
        assertEquals(List.of("http://h/base/page"),
                links("<head><base href='/base/'></head><a href=page>p</a>", "http://h/a/b"));
    }

    @Test
    void resolvesLikeABrowser() {
        assertEquals(List.of("http://h/dir/a%20b", "http://h/up", "http://h/dir/x"),
                links("<a href=' a b '>s</a><a href='\\up'>b</a><a href='../dir/./x'>d</a>", "http://h/dir/p"));
    }

    @Test
    void pageWithoutCharsetIsReadAsUtf8() {
        byte[] page = "<a href='caf\u00e9'>c</a>".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("http://h/caf%C3%A9"), HtmlLinks.extract(page, "text/html", "http://h/", true));
    }

    @Test
    void metaCharsetIsHonouredWhenTheHeaderNamesNone() {
        byte[] page = "<meta charset=iso-8859-1><a href='caf\u00e9'>c</a>".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(List.of("http://h/caf%C3%A9"), HtmlLinks.extract(page, "text/html", "http://h/", true));
        assertEquals(List.of("http://h/caf%C3%A9"), HtmlLinks.extract(page, null, "http://h/", true));
    }

    /** The page is written in {@code written}: a declared charset is honoured, and anything else reads as UTF-8. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ISO-8859-1 | <meta http-equiv=Content-Type content='text/html; charset=iso-8859-1'>",
        "ISO-8859-1 | <meta http-equiv=content-type content='text/html'><meta charset=\"ISO-8859-1\">",
        "ISO-8859-1 | <?xml version='1.0' encoding='iso-8859-1'?>",
        "ISO-8859-1 | <title>t</title><p>text</p><meta charset=iso-8859-1>",
        "UTF-8 | <meta charset=utf-8>",
        "UTF-8 | <meta charset=no-such-charset>",
        "UTF-8 | <meta name=description content='0; charset=iso-8859-1'>",
        "UTF-8 | <p>charset=iso-8859-1</p>"})
    void aDeclaredCharsetIsHonouredAndOtherPagesAreReadAsUtf8(String written, String declaration) {
        byte[] page = (declaration + "<a href='caf\u00e9'>c</a>").getBytes(Charset.forName(written));
        assertEquals(List.of("http://h/caf%C3%A9"), HtmlLinks.extract(page, "text/html", "http://h/", true));
    }

    @Test
    void headerCharsetIsHonoured() {
        byte[] page = "<a href='caf\u00e9'>c</a>".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(List.of("http://h/caf%C3%A9"), HtmlLinks.extract(page, "text/html; charset=ISO-8859-1", "http://h/", true));
    }

    /** As a browser sends it (URL Standard: a query is percent-encoded in the page's charset), and as wget does. */
    @Test
    void queryIsEncodedInThePagesCharsetAndPathInUtf8() {
        byte[] latin1 = "<a href='caf\u00e9?q=\u00e9&amp;r=&#x65e5;#\u00e9'>c</a>".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(List.of("http://h/caf%C3%A9?q=%E9&r=%26%2326085%3B"),
                HtmlLinks.extract(latin1, "text/html; charset=ISO-8859-1", "http://h/", true));
        byte[] shiftJis = "<meta charset=Shift_JIS><a href='/s?q=\u65e5'>s</a>".getBytes(Charset.forName("Shift_JIS"));
        assertEquals(List.of("http://h/s?q=%93%FA"), HtmlLinks.extract(shiftJis, "text/html", "http://h/", true));
        byte[] utf16 = "<a href='/s?q=\u00e9'>s</a>".getBytes(StandardCharsets.UTF_16);
        assertEquals(List.of("http://h/s?q=%C3%A9"), HtmlLinks.extract(utf16, "text/html; charset=utf-16", "http://h/", true));
    }

    @Test
    void byteOrderMarkOverridesTheHeader() {
        byte[] text = "<a href='caf\u00e9'>c</a>".getBytes(StandardCharsets.UTF_8);
        byte[] page = new byte[text.length + 3];
        page[0] = (byte) 0xEF;
        page[1] = (byte) 0xBB;
        page[2] = (byte) 0xBF;
        System.arraycopy(text, 0, page, 3, text.length);
        assertEquals(List.of("http://h/caf%C3%A9"), HtmlLinks.extract(page, "text/html; charset=ISO-8859-1", "http://h/", true));
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        "text/html, true",
        "text/html; charset=ISO-8859-1, true",
        "TEXT/HTML, true",
        "application/xhtml+xml, true",
        "application/json, false",
        "image/png, false"})
    void onlyHtmlIsParsed(String contentType, boolean html) {
        assertEquals(html, HtmlLinks.isHtml(contentType, "<html><a href=x>".getBytes(StandardCharsets.UTF_8)));
    }

    /** Without a Content-Type, a body that starts as HTML is HTML, as a browser sniffs it; anything else is not. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "<!DOCTYPE html><title>t</title> | true",
        "\\t\\n<HTML lang=en> | true",
        "<!-- a comment --><p>text | true",
        "<a href=x>x</a> | true",
        "<abbr>not a tag the standard lists</abbr> | false",
        "%PDF-1.7 | false",
        "{\"json\": true} | false",
        "<html | false"})
    void withoutAContentTypeTheBodyIsSniffed(String body, boolean html) {
        byte[] bytes = body.replace("\\t", "\t").replace("\\n", "\n").getBytes(StandardCharsets.UTF_8);
        assertEquals(html, HtmlLinks.isHtml(null, bytes), body);
        assertEquals(html, HtmlLinks.isHtml(" ", bytes), body);
    }
}

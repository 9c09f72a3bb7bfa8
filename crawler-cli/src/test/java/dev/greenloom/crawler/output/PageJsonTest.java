package dev.greenloom.crawler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PageJsonTest {
    @Test
    void writesEveryFieldInOrder() {
        PageRecord page = new PageRecord("http://h/a", "http://h/a/", 2, "http://h/", 200, "text/html", 12, 34,
                null, null, List.of());
        assertEquals("{\"url\":\"http://h/a\",\"final_url\":\"http://h/a/\",\"status\":200,"
                + "\"content_type\":\"text/html\",\"bytes\":12,\"elapsed_ms\":34,\"depth\":2,"
                + "\"parent\":\"http://h/\",\"error_kind\":null,\"error\":null}", PageJson.line(page));
    }

    @Test
    void failureReadsBackWithKindAndMessage() {
        var members = JsonLine.parse(PageJson.line(Pages.failed("http://h/\"x\"", "dns")));
        assertEquals("dns", members.get("error_kind"));
        assertEquals("dns for http://h/\"x\"", members.get("error"));
        assertEquals("0", members.get("status"));
        assertEquals(null, members.get("final_url"));
    }

    @Test
    void a4xxOr5xxPageSaysSoInErrorKindAndError() {
        Exchange notFound = new Exchange("GET", "http://h/gone", List.of(), "HTTP/1.1", 404, "Not Found", List.of(),
                new byte[0], false, null, Instant.EPOCH);
        var members = JsonLine.parse(PageJson.line(new PageRecord("http://h/gone", "http://h/gone", 0, null, 404,
                "text/html", 0, 5, null, null, List.of(notFound))));
        assertEquals("http-status", members.get("error_kind"));
        assertEquals("http://h/gone: HTTP 404 Not Found", members.get("error"));
        assertEquals("404", members.get("status"));

        var serverError = JsonLine.parse(PageJson.line(new PageRecord("http://h/x", "http://h/x", 0, null, 503, null, 0, 5,
                null, null, List.of())));
        assertEquals("http://h/x: HTTP 503", serverError.get("error"));
    }

    @Test
    void aRedirectWithoutALocationIsAnErrorThatSaysSo() {
        Exchange nowhere = new Exchange("GET", "http://h/r", List.of(), "HTTP/1.1", 302, "Found", List.of(),
                new byte[0], false, null, Instant.EPOCH);
        var members = JsonLine.parse(PageJson.line(new PageRecord("http://h/r", "http://h/r", 0, null, 302,
                null, 0, 5, null, null, List.of(nowhere))));
        assertEquals("http-status", members.get("error_kind"));
        assertEquals("http://h/r: HTTP 302 Found without a Location to follow", members.get("error"));
    }
}

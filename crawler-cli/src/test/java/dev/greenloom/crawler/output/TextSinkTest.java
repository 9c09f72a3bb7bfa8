package dev.greenloom.crawler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TextSinkTest {
    @Test
    void fetchedPageShowsStatusBytesTimeAndUrl() {
        PageRecord page = new PageRecord("http://h/", "http://h/", 0, null, 200, "text/html", 15320, 42, null, null,
                List.of());
        assertEquals("200      15320     42ms http://h/", TextSink.line(page));
    }

    @Test
    void redirectedPageShowsFinalUrl() {
        PageRecord page = new PageRecord("http://h/a", "http://h/a/", 0, null, 200, null, 9, 8, null, null,
                List.of());
        assertEquals("200          9      8ms http://h/a -> http://h/a/", TextSink.line(page));
    }

    @Test
    void failureShowsKindAndMessage() {
        assertEquals("ERR          -      7ms timeout timeout for http://h/x",
                TextSink.line(Pages.failed("http://h/x", "timeout")));
    }

    @Test
    void aDuplicateLineIsMarkedAsSuchNotAsAFailure() {
        // A duplicate is no failure (the run can exit 0 with it); 'ERR' in the status column said otherwise.
        PageRecord page = new PageRecord("http://h/", null, 0, null, 0, null, 0, 0, "duplicate",
                "urls.txt:2: http://h/ is a duplicate of urls.txt:1; fetched once", List.of());
        assertEquals("DUP          -      0ms duplicate urls.txt:2: http://h/ is a duplicate of urls.txt:1; fetched once",
                TextSink.line(page));
    }

    @Test
    void controlCharactersOfABadLineAreEscaped() {
        // Printed raw, the escape sequence would recolour the terminal and the bell ring; a tab would add a column.
        String bad = "ftp://\u001b[31mx\u0007\ty";
        PageRecord page = new PageRecord(bad, null, 0, null, 0, null, 0, 0, "bad-url",
                "urls.txt:2: " + bad + ": unsupported scheme ftp", List.of());
        assertEquals("ERR          -      0ms bad-url urls.txt:2: ftp://\\u001b[31mx\\u0007\\u0009y: unsupported"
                + " scheme ftp", TextSink.line(page));
    }

    @Test
    void linesAlignAcrossOutcomes() throws IOException {
        StringWriter text = new StringWriter();
        try (TextSink sink = new TextSink(new PrintWriter(text))) {
            sink.accept(Pages.ok("http://h/1", "a"));
            sink.accept(Pages.failed("http://h/2", "dns"));
        }
        String[] lines = text.toString().split(System.lineSeparator());
        assertEquals(lines[0].indexOf("ms "), lines[1].indexOf("ms "));
    }
}

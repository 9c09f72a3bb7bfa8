package dev.greenloom.crawler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JsonLinesSinkTest {
    @Test
    void writesOneReportLinePerPage() throws IOException {
        StringWriter text = new StringWriter();
        try (JsonLinesSink sink = new JsonLinesSink(new PrintWriter(text))) {
            sink.accept(Pages.ok("http://h/", "abc"));
            sink.accept(Pages.failed("http://h/x", "timeout"));
        }
        String[] lines = text.toString().split(System.lineSeparator());
        assertEquals(2, lines.length);
        assertEquals(PageJson.line(Pages.ok("http://h/", "abc")), lines[0]);
        assertEquals("timeout", JsonLine.parse(lines[1]).get("error_kind"));
    }

    @Test
    void brokenWriterFailsTheSink() {
        JsonLinesSink sink = new JsonLinesSink(new PrintWriter(new FailingWriter("disk full")));
        assertThrows(IOException.class, () -> sink.accept(Pages.ok("http://h/", "abc")));
    }
}

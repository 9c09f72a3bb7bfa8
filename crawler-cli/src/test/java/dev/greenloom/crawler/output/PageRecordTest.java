package dev.greenloom.crawler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PageRecordTest {
    @Test
    void finalExchangeIsTheLast() {
        Exchange first = Pages.exchange("http://h/a", 301, "");
        Exchange second = Pages.exchange("http://h/a/", 200, "x");
        PageRecord page = new PageRecord("http://h/a", "http://h/a/", 0, null, 200, null, 1, 1, null, null,
                List.of(first, second));
        assertSame(second, page.finalExchange());
        assertTrue(page.ok());
    }

    @Test
    void failedPageWithoutExchanges() {
        PageRecord page = Pages.failed("http://h/", "dns");
        assertFalse(page.ok());
        assertNull(page.finalExchange());
    }

    @Test
    void exchangesAreCopied() {
        List<Exchange> exchanges = new ArrayList<>(List.of(Pages.exchange("http://h/", 200, "")));
        PageRecord page = new PageRecord("http://h/", "http://h/", 0, null, 200, null, 0, 1, null, null, exchanges);
        exchanges.clear();
        assertEquals(1, page.exchanges().size());
    }

    @Test
    void rejectsMissingRequiredParts() {
        assertThrows(NullPointerException.class,
                () -> new PageRecord(null, null, 0, null, 0, null, 0, 0, "bad-url", "bad", List.of()));
        assertThrows(NullPointerException.class, () -> new Header("Name", null));
        assertThrows(NullPointerException.class, () -> new Exchange("GET", "http://h/", List.of(), "HTTP/1.1", 200,
                null, List.of(), null, false, null, Pages.T0));
        assertEquals("", new Exchange("GET", "http://h/", List.of(), "h2", 200, null, List.of(), new byte[0], false,
                null, Pages.T0).reason());
    }
}

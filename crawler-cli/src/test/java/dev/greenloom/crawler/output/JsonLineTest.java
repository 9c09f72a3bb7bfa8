package dev.greenloom.crawler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JsonLineTest {
    @Test
    void readsBackWhatJsonWrites() {
        String tricky = "q\"uote\\ back\nnew\ttab\u0001ctl\u2028 é";
        String line = new Json().add("s", tricky).add("n", -12).add("d", 1.5).add("b", true).add("z", (String) null)
                .toString();
        Map<String, String> members = JsonLine.parse(line);
        assertEquals(tricky, members.get("s"));
        assertEquals("-12", members.get("n"));
        assertEquals("1.5", members.get("d"));
        assertEquals("true", members.get("b"));
        assertTrue(members.containsKey("z"));
        assertEquals(null, members.get("z"));
    }

    @Test
    void readsEmptyObjectAndSpaces() {
        assertEquals(Map.of(), JsonLine.parse(" { } "));
        assertEquals(Map.of("a", "1"), JsonLine.parse("{ \"a\" : 1 }"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"url\":\"http://h/", "{\"a\":1", "{\"a\":1}x", "{\"a\":[1]}", "{\"a\":{}}",
            "{\"a\":\"\\q\"}", "{\"a\":\"\\u12\"}", "{\"a\":}", "[1]"})
    void rejectsTornOrForeignLines(String line) {
        assertThrows(IllegalArgumentException.class, () -> JsonLine.parse(line));
    }
}

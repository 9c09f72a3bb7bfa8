package dev.greenloom.crawler.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class HostNamesTest {
    @ParameterizedTest
    @CsvSource({
        "example.com, example.com",
        "Example.COM., example.com",
        "bücher.example, xn--bcher-kva.example",
        "пример.испытание, xn--e1afmkfd.xn--80akhbyknj4f",
        "_dmarc.example.com, _dmarc.example.com",
        "xn--bcher-kva.example, xn--bcher-kva.example",
        "192.0.2.1, 192.0.2.1",
        "2001:DB8::1, 2001:db8::1",
        "[2001:db8::1], 2001:db8::1",
        "::ffff:192.0.2.1, ::ffff:192.0.2.1"})
    void convertsToLowerCaseAscii(String name, String ascii) {
        assertEquals(ascii, HostNames.toAscii(name));
    }

    /** {@code resolve} must look up the name {@code crawl} connects to: faß is not fass (IDNA 2003 mapped ß to ss). */
    @ParameterizedTest
    @CsvSource({
        "faß.example, xn--fa-hia.example",
        "Bücher.Example, xn--bcher-kva.example",
        "ΣΟΦΟΣ.example, xn--0xaakcn.example",
        "straße.de, xn--strae-oqa.de",
        "ｂüｃｈｅｒ。example, xn--bcher-kva.example",
        "\uD83D\uDE00.example, xn--e28h.example"})
    void convertsInternationalNamesAsTheCrawlsUrlsDo(String name, String ascii) {
        assertEquals(ascii, HttpUrl.get("http://" + name + "/").host());
        assertEquals(ascii, HostNames.toAscii(name));
    }

    /** UTS #46 maps the ideographic, fullwidth and halfwidth full stops to '.': one ending a name is its root's dot. */
    @ParameterizedTest
    @ValueSource(strings = {"bücher.example.", "bücher.example\u3002", "bücher\u3002example\uFF0E", "bücher.example\uFF61"})
    void aFullStopEndingANameIsItsTrailingDot(String name) {
        assertEquals("xn--bcher-kva.example", HostNames.toAscii(name));
        assertTrue(HostNames.endsWithDot(name));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''| empty name",
        "a..b| empty label",
        "exa mple.com| character not allowed in a host name: ' '",
        "-a.com| label starts or ends with '-'",
        "a/b.com| character not allowed in a host name: '/'",
        "2001:db8::1::2| character not allowed in a host name: ':'",
        "b\u00FC%41.example| character not allowed in a host name: '%'",
        "a\uFFFD.example| not a valid internationalized name"})
    void rejectsInvalidNames(String name, String reason) {
        assertEquals(reason.strip(), assertThrows(IllegalArgumentException.class, () -> HostNames.toAscii(name.strip())).getMessage());
    }

    @Test
    void rejectsLabelsOver63Characters() {
        String ok = "a".repeat(63) + ".com";
        assertEquals(ok, HostNames.toAscii(ok));
        assertEquals("label longer than 63 characters",
                assertThrows(IllegalArgumentException.class, () -> HostNames.toAscii("a".repeat(64) + ".com")).getMessage());
    }

    @Test
    void rejectsNamesOver253Characters() {
        String label = "a".repeat(49);
        String ok = String.join(".", label, label, label, label, label) + ".com";
        assertEquals(253, ok.length());
        assertEquals(ok, HostNames.toAscii(ok));
        assertEquals("name longer than 253 characters",
                assertThrows(IllegalArgumentException.class, () -> HostNames.toAscii("a" + ok)).getMessage());
    }
}

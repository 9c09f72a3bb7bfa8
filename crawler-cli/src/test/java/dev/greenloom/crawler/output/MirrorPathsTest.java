package dev.greenloom.crawler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MirrorPathsTest {
    private static final String Q = MirrorPaths.hash8("a=1");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://example.com                       | example.com/index.html
            http://example.com/                      | example.com/index.html
            http://Example.COM/a/b/                  | example.com/a/b/index.html
            http://example.com/a/page.html           | example.com/a/page.html
            http://example.com:8080/x                | example.com_8080/x
            http://example.com:80/x                  | example.com/x
            https://example.com:443/x                | example.com/x
            https://example.com:80/x                 | example.com_80/x
            http://example.com/../../etc/passwd      | example.com/%2E%2E/%2E%2E/etc/passwd
            http://example.com/a/./b                 | example.com/a/%2E/b
            http://example.com/%2e%2e%2f%2e%2e%2fx   | example.com/..%2F..%2Fx
            http://example.com/%2e%2e/x              | example.com/%2E%2E/x
            http://example.com/a%5C..%5Cb            | example.com/a%5C..%5Cb
            http://example.com/a%00b                 | example.com/a%00b
            http://example.com//etc/passwd           | example.com/%/etc/passwd
            http://example.com/a%3Ab*c               | example.com/a%3Ab%2Ac
            http://example.com/100%25                | example.com/100%25
            http://example.com/caf%C3%A9             | example.com/café
            http://[::1]:8080/x                      | [%3A%3A1]_8080/x
            http://my_host.Example.com:8080/x        | my_host.example.com_8080/x
            https://my_host.example.com/x            | my_host.example.com/x
            """)
    void mapsUrlToRelativePath(String url, String expected) {
        assertEquals(Path.of(expected), MirrorPaths.relativePath(url));
    }

    /** Under {@code LANG=C} the JVM can put only ASCII in a file name; under Latin-1, only Latin-1. */
    @ParameterizedTest(name = "{1}: {0} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            http://example.com/caf%C3%A9/%F0%9F%98%80 | US-ASCII   | example.com/caf%C3%A9/%F0%9F%98%80
            http://example.com/caf%C3%A9/%F0%9F%98%80 | ISO-8859-1 | example.com/café/%F0%9F%98%80
            http://example.com/caf%C3%A9/%F0%9F%98%80 | UTF-8      | example.com/café/😀
            http://example.com/%ff                    | US-ASCII   | example.com/%EF%BF%BD
            """)
    void escapesWhatTheFileNameCharsetCannotEncode(String url, String charset, String expected) {
        assertEquals(Path.of(expected), MirrorPaths.relativePath(url, Charset.forName(charset)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            http://example.com/page.html?a=1  | example.com/page_QQ.html
            http://example.com/page?a=1       | example.com/page_QQ
            http://example.com/?a=1           | example.com/index_QQ.html
            http://example.com/v1.2/x.tar?a=1 | example.com/v1.2/x_QQ.tar
            """)
    void hashesQueryIntoName(String url, String expected) {
        assertEquals(Path.of(expected.replace("QQ", Q)), MirrorPaths.relativePath(url));
    }

    @Test
    void differentQueriesGetDifferentNames() {
        assertFalse(MirrorPaths.relativePath("http://h/p?a=1").equals(MirrorPaths.relativePath("http://h/p?a=2")));
    }

    @Test
    void capsLongSegmentsAndKeepsExtension() {
        String longName = "x".repeat(300);
        Path path = MirrorPaths.relativePath("http://h/" + longName + "/" + longName + ".html");
        assertSegmentsFit(path);
        assertTrue(path.getFileName().toString().endsWith("_" + MirrorPaths.hash8(longName + ".html") + ".html"),
                path.toString());
        assertFalse(MirrorPaths.relativePath("http://h/" + longName + "a")
                .equals(MirrorPaths.relativePath("http://h/" + longName + "b")));
    }

    @ParameterizedTest
    @CsvSource({"漢", "😀", "é", "%E6%BC%A2", "%25"})
    void capsSegmentsByBytesInAnyScript(String character) {
        String longName = character.repeat(100);
        String label = "a".repeat(63);
        Path path = MirrorPaths.relativePath("http://" + String.join(".", label, label, label, "example") + ":8080/"
                + longName + "/" + longName + ".html?q=1");
        assertSegmentsFit(path);
        assertTrue(path.getFileName().toString().endsWith(".html"), path.toString());
    }

    private static void assertSegmentsFit(Path path) {
        for (Path segment : path) {
            int bytes = segment.toString().getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes <= MirrorPaths.MAX_SEGMENT, bytes + " bytes: " + segment);
        }
    }

    @Test
    void foldsTheSegmentsPastMaxPathIntoOneHashedName() {
        String deep = "http://h/" + "d/".repeat(2000);
        Path path = MirrorPaths.relativePath(deep + "page.html");
        assertSegmentsFit(path);
        assertTrue(path.toString().getBytes(StandardCharsets.UTF_8).length <= MirrorPaths.MAX_PATH, path.toString());
        assertTrue(path.startsWith(Path.of("h", "d", "d")), path.toString());
        assertTrue(path.getFileName().toString().endsWith(".html"), path.toString());
        assertFalse(path.equals(MirrorPaths.relativePath(deep + "other.html")));
        assertFalse(path.equals(MirrorPaths.relativePath(deep + "d/page.html")));
    }

    @Test
    void neverProducesDotSegments() {
        for (String url : new String[] {"http://h/..", "http://h/.", "http://h/%2E%2E/", "http://h/a/%2e/"}) {
            for (Path segment : MirrorPaths.relativePath(url)) {
                assertFalse(segment.toString().equals("..") || segment.toString().equals("."), url);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"ftp://example.com/x", "/relative/path", "mailto:someone@example.com", "http://exa mple.com/",
        "http://example.com/%zz"})
    void rejectsNonHttpOrRelativeUrls(String url) {
        assertThrows(IllegalArgumentException.class, () -> MirrorPaths.relativePath(url));
    }
}

package dev.greenloom.crawler.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MirrorSinkTest {
    @TempDir
    Path dir;

    @Test
    void writesBodyUnderHostAndPath() throws IOException {
        try (MirrorSink sink = new MirrorSink(dir)) {
            sink.accept(Pages.ok("http://example.com/a/page.html", "hello"));
            sink.accept(Pages.ok("http://example.com/", "root"));
        }
        assertEquals("hello", Files.readString(dir.resolve("example.com/a/page.html")));
        assertEquals("root", Files.readString(dir.resolve("example.com/index.html")));
        assertEquals(List.of(), leftoverTempFiles());
    }

    @Test
    void writesLongNamesInAnyScript() throws IOException {
        List<String> urls = List.of("http://example.com/" + "x".repeat(300),
                "http://example.com/" + "漢".repeat(100), "http://example.com/" + "😀".repeat(70) + ".html",
                "http://example.com/" + "%E6%BC%A2".repeat(100) + "/x");
        try (MirrorSink sink = new MirrorSink(dir)) {
            for (String url : urls) {
                sink.accept(Pages.ok(url, url));
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertEquals(urls.size(), files.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void writesPathsLongerThanTheFileSystemTakes() throws IOException {
        // A spider trap's URL (relative links piling up segments) past Linux's PATH_MAX of 4,096 bytes, in short
        // segments and in long ones; a crawl met such a URL and stopped with 'File name too long'.
        List<String> urls = List.of("http://example.com/" + "d/".repeat(2100) + "page.html",
                "http://example.com/" + ("x".repeat(300) + "/").repeat(40) + "page.html");
        try (MirrorSink sink = new MirrorSink(dir)) {
            for (String url : urls) {
                sink.accept(Pages.ok(url, url));
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            assertEquals(urls.stream().sorted().toList(),
                    files.filter(Files::isRegularFile).map(MirrorSinkTest::read).sorted().toList());
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void skipsFailedPages() throws IOException {
        try (MirrorSink sink = new MirrorSink(dir)) {
            sink.accept(Pages.failed("http://example.com/x", "timeout"));
        }
        assertFalse(Files.exists(dir.resolve("example.com")));
    }

    @Test
    void skipsPagesWithoutA2xxStatus() throws IOException {
        Exchange notFound = Pages.exchange("http://example.com/gone", 404, "not found");
        try (MirrorSink sink = new MirrorSink(dir)) {
            sink.accept(new PageRecord("http://example.com/gone", "http://example.com/gone", 0, null, 404, "text/html",
                    9, 3, null, null, List.of(notFound)));
        }
        assertFalse(Files.exists(dir.resolve("example.com/gone")));
    }

    @Test
    void escapingUrlsStayInsideDirectory() throws IOException {
        Path mirror = dir.resolve("mirror");
        try (MirrorSink sink = new MirrorSink(mirror)) {
            sink.accept(Pages.ok("http://example.com/../../escaped", "a"));
            sink.accept(Pages.ok("http://example.com/%2e%2e%2f%2e%2e%2fescaped", "b"));
            sink.accept(Pages.ok("http://example.com/..%5C..%5Cescaped", "c"));
            sink.accept(Pages.ok("http://example.com//escaped", "d"));
        }
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> files = all.filter(Files::isRegularFile).toList();
            assertEquals(4, files.size(), files.toString());
            files.forEach(f -> assertTrue(f.startsWith(mirror.resolve("example.com")), f.toString()));
        }
    }

    @Test
    void neverWritesThroughASymbolicLinkInTheDirectory(@TempDir Path outside) throws IOException {
        Files.createSymbolicLink(dir.resolve("example.com"), outside);
        Files.createDirectories(dir.resolve("other.example"));
        Files.createSymbolicLink(dir.resolve("other.example/c"), outside);
        try (MirrorSink sink = new MirrorSink(dir)) {
            assertThrows(IOException.class, () -> sink.accept(Pages.ok("http://example.com/a/b", "through a link")));
            sink.accept(Pages.ok("http://other.example/c", "in place of a link"));
        }
        try (Stream<Path> files = Files.list(outside)) {
            assertEquals(List.of(), files.toList());
        }
        assertEquals("in place of a link", Files.readString(dir.resolve("other.example/c")));
    }

    @Test
    void fileThenDirectoryMovesFileToIndex() throws IOException {
        try (MirrorSink sink = new MirrorSink(dir)) {
            sink.accept(Pages.ok("http://h/a", "file a"));
            sink.accept(Pages.ok("http://h/a/b", "file b"));
        }
        assertEquals("file a", Files.readString(dir.resolve("h/a/index.html")));
        assertEquals("file b", Files.readString(dir.resolve("h/a/b")));
    }

    @Test
    void directoryThenFileGivesSameLayout() throws IOException {
        try (MirrorSink sink = new MirrorSink(dir)) {
            sink.accept(Pages.ok("http://h/a/b", "file b"));
            sink.accept(Pages.ok("http://h/a", "file a"));
        }
        assertEquals("file a", Files.readString(dir.resolve("h/a/index.html")));
        assertEquals("file b", Files.readString(dir.resolve("h/a/b")));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aPathInfoBelowIndexHtmlGivesTheSameLayoutInEitherOrder(boolean fileFirst) throws IOException {
        // /a/index.html/x makes both a and a/index.html directories; /a then goes below them, as it does when it
        // came first. The file arriving second stopped the crawl: its body was moved onto the directory a/index.html.
        List<String> urls = new ArrayList<>(List.of("http://h/a", "http://h/a/index.html/x"));
        if (!fileFirst) {
            urls = urls.reversed();
        }
        try (MirrorSink sink = new MirrorSink(dir)) {
            for (String url : urls) {
                sink.accept(Pages.ok(url, url));
            }
        }
        assertEquals("http://h/a", Files.readString(dir.resolve("h/a/index.html/index.html")));
        assertEquals("http://h/a/index.html/x", Files.readString(dir.resolve("h/a/index.html/x")));
    }

    @Test
    void twoUrlsWantingOneNameNeverOverwrite() throws IOException {
        try (MirrorSink sink = new MirrorSink(dir)) {
            sink.accept(Pages.ok("http://h/a/", "slash"));
            sink.accept(Pages.ok("http://h/a", "no slash"));
            sink.accept(Pages.ok("http://h/a/", "slash again"));
        }
        assertEquals("slash again", Files.readString(dir.resolve("h/a/index.html")));
        assertEquals("no slash",
                Files.readString(dir.resolve("h/a/index_" + MirrorPaths.hash8("http://h/a") + ".html")));
    }

    @Test
    void oldFileMovedAsideKeepsItsOwnName() throws IOException {
        try (MirrorSink sink = new MirrorSink(dir)) {
            sink.accept(Pages.ok("http://h/a", "no slash"));
            sink.accept(Pages.ok("http://h/a/", "slash"));
            sink.accept(Pages.ok("http://h/a/b", "below"));
        }
        try (Stream<Path> files = Files.list(dir.resolve("h/a"))) {
            assertEquals(3, files.count());
        }
        assertEquals("below", Files.readString(dir.resolve("h/a/b")));
    }

    @Test
    void concurrentWritesAllLand() throws Exception {
        int n = 200;
        List<PageRecord> pages = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // d0..d9 are written both as files and as directories, racing each other.
            String url = i < 10 ? "http://h/d" + i : "http://h/d" + (i % 10) + "/p" + i;
            pages.add(Pages.ok(url, "body " + i));
        }
        try (MirrorSink sink = new MirrorSink(dir)) {
            Pages.acceptAllAtOnce(sink, pages);
        }
        try (Stream<Path> all = Files.walk(dir.resolve("h"))) {
            assertEquals(n, all.filter(Files::isRegularFile).count());
        }
        assertEquals(List.of(), leftoverTempFiles());
    }

    @Test
    void refusesAfterClose() throws IOException {
        MirrorSink sink = new MirrorSink(dir);
        sink.close();
        assertThrows(IOException.class, () -> sink.accept(Pages.ok("http://h/x", "x")));
        assertEquals(List.of(), leftoverTempFiles());
    }

    private List<Path> leftoverTempFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}

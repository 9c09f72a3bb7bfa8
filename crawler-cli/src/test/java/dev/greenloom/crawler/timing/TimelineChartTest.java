package dev.greenloom.crawler.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TimelineChartTest {
    @TempDir
    Path dir;

    /** The {@code class} attributes of every {@code <rect>} whose class starts with {@code task}. */
    static List<String> taskBarClasses(Path svgFile) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        org.w3c.dom.Document svg = factory.newDocumentBuilder().parse(svgFile.toFile());
        assertEquals("svg", svg.getDocumentElement().getLocalName());
        NodeList rects = svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect");
        List<String> classes = new ArrayList<>();
        for (int i = 0; i < rects.getLength(); i++) {
            String cls = ((Element) rects.item(i)).getAttribute("class");
            if (cls.startsWith("task ")) {
                classes.add(cls);
            }
        }
        return classes;
    }

    @Test
    void svgIsWellFormedWithOneBarPerTaskPerMode() throws Exception {
        Path file = dir.resolve("timing.svg");
        TimelineChart.write(file, "greenloom timing: 10 tasks of 500 ms", Fixtures.seed());
        List<String> bars = taskBarClasses(file);
        assertEquals(30, bars.size());
        for (Mode mode : Mode.values()) {
            assertEquals(10, bars.stream().filter(cls -> cls.equals("task " + mode.label())).count());
        }
        String text = Files.readString(file);
        assertTrue(text.contains(">5.000 s<"), "the sync total is labelled");
        assertTrue(text.contains(">time (ms)<"));
    }

    @Test
    void svgEscapesOutcomesAndMarksFailedTasks() throws Exception {
        ModeRun run = new ModeRun(Mode.ASYNC, 2, Duration.ofMillis(30), List.of(
                new Span(1, Duration.ZERO, Duration.ofMillis(30), true, "200 http://h/?a=1&b=<2> (5 bytes)"),
                new Span(2, Duration.ZERO, Duration.ofMillis(3), false, "FAILED http://h/\"x\" (refused)")));
        Path file = dir.resolve("escaped.svg");
        TimelineChart.write(file, "a & b", List.of(run));
        assertEquals(List.of("task async", "task async failed"), taskBarClasses(file));
        String xml = Files.readString(file);
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        String title = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(bytes))
                .getElementsByTagName("title").item(1).getTextContent();
        assertEquals("async #1: 0.0 to 30.0 ms, 200 http://h/?a=1&b=<2> (5 bytes)", title);
    }

    @Test
    void svgReplacesCharactersThatXmlForbids() throws Exception {
        // A --urls file may hold any text; U+FFFF and a lone surrogate are not XML characters.
        ModeRun run = new ModeRun(Mode.SYNC, 1, Duration.ofMillis(3), List.of(
                new Span(1, Duration.ZERO, Duration.ofMillis(3), false, "FAILED \uFFFFa\uD800b\u0001c \uD83D\uDE00")));
        Path file = dir.resolve("forbidden.svg");
        TimelineChart.write(file, "x\uFFFE", List.of(run));
        assertEquals(List.of("task sync failed"), taskBarClasses(file));
        assertTrue(Files.readString(file).contains("FAILED  a b c \uD83D\uDE00</title>"), "a valid pair is kept");
    }

    @Test
    void htmlEmbedsTheSameChartUnderATitle() throws Exception {
        Path file = dir.resolve("timing.html");
        TimelineChart.write(file, "greenloom timing: 10 tasks of 500 ms", Fixtures.seed());
        Document html = Jsoup.parse(file.toFile());
        assertEquals("greenloom timing: 10 tasks of 500 ms", html.title());
        assertEquals("greenloom timing: 10 tasks of 500 ms", html.selectFirst("h1").text());
        assertEquals(30, html.select("svg rect.task").size());
        assertEquals(10, html.select("svg rect.task.threads").size());
        assertTrue(html.selectFirst("pre").text().contains("speedup"));
        assertTrue(html.select("script, link, img").isEmpty(), "self-contained");
    }

    @Test
    void manyTasksShareTheBandHeight() {
        String many = TimelineChart.svg("many", List.of(Fixtures.run(Mode.SYNC, 1, 1000, 1)));
        String forty = TimelineChart.svg("forty", List.of(Fixtures.run(Mode.SYNC, 1, 40, 1)));
        assertEquals(1000, many.split("<rect class=\"task ", -1).length - 1);
        assertEquals(height(forty), height(many));
    }

    private static String height(String svg) {
        int at = svg.indexOf("height=\"") + 8;
        return svg.substring(at, svg.indexOf('"', at));
    }

    @Test
    void formatFollowsTheExtension() {
        assertEquals(TimelineChart.Format.SVG, TimelineChart.Format.of(Path.of("a/t.SVG")));
        assertEquals(TimelineChart.Format.HTML, TimelineChart.Format.of(Path.of("t.html")));
        assertEquals(TimelineChart.Format.HTML, TimelineChart.Format.of(Path.of("t.htm")));
        assertThrows(IllegalArgumentException.class, () -> TimelineChart.Format.of(Path.of("t.png")));
    }

    @Test
    void ticksAreOneTwoOrFiveTimesAPowerOfTenAndAtMostTen() {
        assertEquals(500, TimelineChart.tickStep(5000), 1e-9);
        assertEquals(200, TimelineChart.tickStep(1500), 1e-9);
        assertEquals(100, TimelineChart.tickStep(502), 1e-9);
        assertEquals(1, TimelineChart.tickStep(9.5), 1e-9);
    }
}

package dev.greenloom.crawler.output;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Not a test: a rough throughput measurement of each sink, pages of 10-31 KB of text accepted by 64 virtual
 * threads at once (the crawl's default concurrency), one warm-up round then one measured round.
 * <pre>
 * ./mvnw -q -o -pl crawler-cli -am test-compile
 * java -Xmx512m -cp crawler-cli/target/classes:crawler-cli/target/test-classes:$HOME/.m2/repository/org/netpreserve/jwarc/0.36.0/jwarc-0.36.0.jar \
 *     dev.greenloom.crawler.output.SinkThroughput 10000 /tmp/sink-bench
 * </pre>
 */
final class SinkThroughput {
    private interface Opener {
        PageSink open(Path dir) throws Exception;
    }

    private SinkThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path root = Files.createDirectories(Path.of(args[1]));
        List<PageRecord> pages = pages(n);
        Map<String, Opener> sinks = new LinkedHashMap<>();
        sinks.put("warc.gz", d -> new WarcSink(d.resolve("out.warc.gz"), false));
        sinks.put("warc", d -> new WarcSink(d.resolve("out.warc"), false));
        sinks.put("report", d -> new ReportSink(d.resolve("report.jsonl"), false));
        sinks.put("mirror", d -> new MirrorSink(d.resolve("mirror")));
        sinks.put("text", d -> new TextSink(new PrintWriter(Files.newBufferedWriter(d.resolve("out.txt")))));
        for (int round = 0; round < 2; round++) {
            for (Map.Entry<String, Opener> entry : sinks.entrySet()) {
                Path dir = Files.createTempDirectory(root, entry.getKey());
                long start = System.nanoTime();
                try (PageSink sink = entry.getValue().open(dir);
                        var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                    Semaphore concurrency = new Semaphore(64);
                    List<Future<?>> futures = new ArrayList<>(n);
                    for (PageRecord page : pages) {
                        concurrency.acquire();
                        futures.add(executor.submit(() -> {
                            try {
                                sink.accept(page);
                                return null;
                            } finally {
                                concurrency.release();
                            }
                        }));
                    }
                    for (Future<?> future : futures) {
                        future.get();
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (round == 1) {
                    System.out.printf("%-8s %6d pages %6.2f s %8.0f pages/s%n", entry.getKey(), n, seconds,
                            n / seconds);
                }
            }
        }
    }

    private static List<PageRecord> pages(int n) {
        Random random = new Random(42);
        String[] words = "the quick brown fox jumps over lazy dog archive crawl page link html body div span"
                .split(" ");
        List<PageRecord> pages = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder text = new StringBuilder("<html><body>");
            int size = 10_000 + random.nextInt(21_000);
            while (text.length() < size) {
                text.append(words[random.nextInt(words.length)]).append(random.nextInt(1000)).append(' ');
            }
            byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
            String url = "http://127.0.0.1:8080/d" + (i % 100) + "/page" + i + ".html";
            Exchange exchange = new Exchange("GET", url, List.of(new Header("User-Agent", "bench")), "HTTP/1.1", 200,
                    "OK", List.of(new Header("Content-Type", "text/html"),
                            new Header("Content-Length", String.valueOf(body.length))),
                    body, false, "127.0.0.1", Instant.now());
            pages.add(new PageRecord(url, url, 1, "http://127.0.0.1:8080/", 200, "text/html", body.length, 3, null,
                    null, List.of(exchange)));
        }
        return pages;
    }
}

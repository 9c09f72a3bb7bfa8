package dev.greenloom.crawler.output;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Test fixtures: page records with one or more exchanges. */
final class Pages {
    static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

    private Pages() {
    }

    static Exchange exchange(String url, int status, String body, Header... responseHeaders) {
        return new Exchange("GET", url, List.of(new Header("User-Agent", "test")), "HTTP/1.1", status, "OK",
                List.of(responseHeaders), body.getBytes(StandardCharsets.UTF_8), false, "127.0.0.1", T0);
    }

    static PageRecord ok(String url, String body) {
        Exchange e = exchange(url, 200, body, new Header("Content-Type", "text/html"));
        return new PageRecord(url, url, 0, null, 200, "text/html", e.body().length, 5, null, null, List.of(e));
    }

    static PageRecord failed(String url, String kind) {
        return new PageRecord(url, null, 1, "http://example.com/", 0, null, 0, 7, kind, kind + " for " + url,
                List.of());
    }

    /** Hands every page to {@code sink} from its own virtual thread, all released at once; rethrows the first failure. */
    static void acceptAllAtOnce(PageSink sink, List<PageRecord> pages) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (PageRecord page : pages) {
                futures.add(executor.submit(() -> {
                    start.await();
                    sink.accept(page);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get();
            }
        }
    }
}

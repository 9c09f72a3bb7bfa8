package dev.greenloom.crawler.timing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LocalSiteTest {
    private final OkHttpClient client = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void closeClient() {
        client.connectionPool().evictAll();
        client.dispatcher().executorService().shutdown();
    }

    private Response get(String url) throws IOException {
        return client.newCall(new Request.Builder().url(url).build()).execute();
    }

    @Test
    void servesNumberedPagesOnLoopbackAfterTheLatency() throws IOException {
        try (LocalSite site = LocalSite.start(3, Duration.ofMillis(50))) {
            List<String> urls = site.urls();
            assertEquals(3, urls.size());
            assertTrue(urls.getFirst().matches("http://127\\.0\\.0\\.1:\\d+/page/1"), urls.getFirst());
            long start = System.nanoTime();
            try (Response response = get(urls.get(1))) {
                assertEquals(200, response.code());
                assertTrue(response.body().string().contains("<h1>Page 2 of 3</h1>"));
            }
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(50).toNanos());
        }
    }

    @Test
    void answersOtherPathsWithNotFound() throws IOException {
        try (LocalSite site = LocalSite.start(2, Duration.ofSeconds(30))) {
            for (String path : List.of("/", "/page/3", "/page/0", "/page/x")) {
                try (Response response = get(site.url(path))) {
                    assertEquals(404, response.code(), path);
                }
            }
        }
    }

    @Test
    void rejectsNoPagesAndNegativeLatency() {
        assertThrows(IllegalArgumentException.class, () -> LocalSite.start(0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> LocalSite.start(1, Duration.ofMillis(-1)));
    }
}

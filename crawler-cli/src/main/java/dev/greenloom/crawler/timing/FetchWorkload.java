package dev.greenloom.crawler.timing;

import dev.greenloom.crawler.fetch.Fetcher;
import dev.greenloom.runtime.Green;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Fetches one URL per task with OkHttp's blocking {@code execute()}, reading the body (up to a limit)
 * and reporting {@code 200 URL (612 bytes)}. A URL that is not http(s), a connection or timeout
 * error, and a 4xx/5xx status are failed outcomes, each with its reason. Safe for concurrent use: all
 * tasks share the one {@link OkHttpClient} given, whose timeouts bound each fetch.
 */
public final class FetchWorkload implements Workload {
    private static final int BUFFER = 8192;

    private final OkHttpClient client;
    private final List<String> urls;
    private final long maxBodyBytes;
    private final String description;

    /**
     * @param client the client for every fetch; set its {@code callTimeout}
     * @param urls what to fetch, one task each, at least one
     * @param maxBodyBytes how much of a body to read; the rest is skipped and the outcome says "truncated"
     * @param description what the URLs are, for headings: {@code 10 pages from a local site}
     */
    public FetchWorkload(OkHttpClient client, List<String> urls, long maxBodyBytes, String description) {
        this.client = Objects.requireNonNull(client, "client == null");
        this.urls = List.copyOf(urls);
        if (this.urls.isEmpty()) {
            throw new IllegalArgumentException("urls is empty");
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes < 0");
        }
        this.maxBodyBytes = maxBodyBytes;
        this.description = Objects.requireNonNull(description, "description == null");
    }

    /**
     * Fetches once from a throwaway zero-latency {@link LocalSite}, so that loading OkHttp's classes
     * and its first connection do not count against the first mode timed.
     */
    public static void warmUp(OkHttpClient client) {
        try (LocalSite site = LocalSite.start(1, Duration.ZERO)) {
            new FetchWorkload(client, site.urls(), BUFFER, "warm-up").run(1);
        }
        client.connectionPool().evictAll();
    }

    @Override
    public int size() {
        return urls.size();
    }

    @Override
    public String description() {
        return description;
    }

    /** Closes the idle connections of the previous mode, so that every mode opens its own. */
    @Override
    public void reset() {
        client.connectionPool().evictAll();
    }

    @Override
    public Outcome run(int task) {
        String url = urls.get(task - 1);
        HttpUrl parsed = HttpUrl.parse(url);
        if (parsed == null) {
            return failed(url, "not an http(s) URL");
        }
        Request request = new Request.Builder().url(parsed).build();
        try (Response response = client.newCall(request).execute()) {
            long bytes = 0;
            boolean truncated = false;
            try (InputStream body = response.body().byteStream()) {
                byte[] buffer = new byte[BUFFER];
                for (int read; (read = body.read(buffer)) != -1; ) {
                    bytes += read;
                    if (bytes > maxBodyBytes) {
                        bytes = maxBodyBytes;
                        truncated = true;
                        break;
                    }
                }
            }
            String text = response.code() + " " + url + " (" + bytes + " bytes" + (truncated ? ", truncated" : "") + ")";
            return new Outcome(response.isSuccessful(), response.isSuccessful() ? text : "FAILED " + text);
        } catch (InterruptedIOException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw Green.interrupted(e);
            }
            return failed(url, "timeout: " + e.getMessage());
        } catch (IOException e) {
            // A refused certificate in the crawl's words; any other failure as the JDK names it.
            return failed(url, e instanceof SSLException tls
                    && Fetcher.tlsProblem(tls, parsed) instanceof String problem
                    ? problem : e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Outcome failed(String url, String reason) {
        return new Outcome(false, "FAILED " + url + " (" + reason + ")");
    }
}

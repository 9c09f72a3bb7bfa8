package dev.greenloom.crawler.timing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * A small web site on the loopback interface, for timing fetches without a network: pages
 * {@code /page/1} to {@code /page/N}, each a few hundred bytes of HTML sent after a fixed latency
 * (the server's "think time"); any other path is a 404 without delay. Every request is handled on
 * its own virtual thread, so the latency overlaps across concurrent requests as on a real server.
 *
 * <pre>{@code
 * try (LocalSite site = LocalSite.start(10, Duration.ofMillis(100))) {
 *     fetch(site.urls());
 * }
 * }</pre>
 */
public final class LocalSite implements AutoCloseable {
    private static final Pattern PAGE = Pattern.compile("/page/(\\d{1,9})");
    private static final int BACKLOG = 1024;

    private final HttpServer server;
    private final ExecutorService handlers;
    private final int pages;
    private final Duration latency;

    private LocalSite(HttpServer server, ExecutorService handlers, int pages, Duration latency) {
        this.server = server;
        this.handlers = handlers;
        this.pages = pages;
        this.latency = latency;
    }

    /**
     * Starts a site with {@code pages} pages, each answered after {@code latency}, on a free loopback port.
     *
     * @throws UncheckedIOException if the server cannot bind
     */
    public static LocalSite start(int pages, Duration latency) {
        if (pages < 1) {
            throw new IllegalArgumentException("pages < 1");
        }
        Objects.requireNonNull(latency, "latency == null");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency < 0");
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the local site: " + e.getMessage(), e);
        }
        ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
        LocalSite site = new LocalSite(server, handlers, pages, latency);
        server.createContext("/", site::handle);
        server.setExecutor(handlers);
        server.start();
        return site;
    }

    /** The page URLs, {@code http://127.0.0.1:PORT/page/1} to {@code /page/N}. */
    public List<String> urls() {
        return IntStream.rangeClosed(1, pages).mapToObj(this::url).toList();
    }

    /** The URL of {@code path} on this site, e.g. {@code url("/page/1")}. */
    public String url(String path) {
        InetSocketAddress address = server.getAddress();
        return "http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + path;
    }

    private String url(int page) {
        return url("/page/" + page);
    }

    /** The latency of each page. */
    public Duration latency() {
        return latency;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher matcher = PAGE.matcher(exchange.getRequestURI().getPath());
            int page = matcher.matches() ? Integer.parseInt(matcher.group(1)) : 0;
            if (page < 1 || page > pages) {
                send(exchange, 404, "<!doctype html><title>Not found</title><p>No such page.</p>\n");
                return;
            }
            try {
                Thread.sleep(latency);
            } catch (InterruptedException e) {
                // The site is closing: answer nothing, and let the handler thread end.
                Thread.currentThread().interrupt();
                return;
            }
            String next = page < pages ? "<a href=\"/page/" + (page + 1) + "\">next</a>" : "the end";
            send(exchange, 200, "<!doctype html><title>Page " + page + "</title>\n<h1>Page " + page + " of " + pages
                    + "</h1>\n<p>Served by greenloom timing's local site after " + DurationText.format(latency)
                    + ".</p>\n<p>" + next + "</p>\n");
        }
    }

    private static void send(HttpExchange exchange, int status, String html) throws IOException {
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Stops the server at once and interrupts the requests still waiting out their latency. */
    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        handlers.close();
    }
}

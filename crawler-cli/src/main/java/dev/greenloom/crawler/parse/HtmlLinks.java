package dev.greenloom.crawler.parse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Extracts the links of an HTML page: bytes in, absolute URLs out, no I/O. Follows {@code <a href>},
 * {@code <area href>} and {@code <link rel=next|prev href>}, resolved against the page URL or its
 * {@code <base href>}; only http and https links are kept ({@code javascript:}, {@code mailto:} and the like are
 * dropped), without their {@code #fragment}, each once, in document order. Stateless and thread-safe.
 */
public final class HtmlLinks {
    private static final String LINKS = "a[href], area[href], link[rel~=(?i)^(next|prev)$][href]";

    private HtmlLinks() {
    }

    /** True for {@code text/html} and {@code application/xhtml+xml}, whatever the parameters; false for null. */
    public static boolean isHtml(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mime = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return mime.equals("text/html") || mime.equals("application/xhtml+xml");
    }

    /**
     * The links of {@code body}, parsed as HTML whatever {@code contentType} says (check {@link #isHtml} first).
     *
     * @param contentType the response's {@code Content-Type}, for its charset; null to let jsoup detect it
     * @param pageUrl the page's absolute URL, after redirects, to resolve relative links against
     */
    public static List<String> extract(byte[] body, String contentType, String pageUrl) {
        Objects.requireNonNull(body, "body == null");
        Objects.requireNonNull(pageUrl, "pageUrl == null");
        Document document;
        try {
            document = Jsoup.parse(new ByteArrayInputStream(body), charset(contentType), pageUrl);
        } catch (IOException e) {
            throw new UncheckedIOException("reading an in-memory page cannot fail", e);
        }
        Set<String> links = new LinkedHashSet<>();
        for (Element element : document.select(LINKS)) {
            String link = element.absUrl("href");
            String lower = link.toLowerCase(Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                int hash = link.indexOf('#');
                links.add(hash < 0 ? link : link.substring(0, hash));
            }
        }
        return List.copyOf(links);
    }

    /** The charset named in a {@code Content-Type}, if Java knows it; null lets jsoup sniff a {@code <meta>}. */
    private static String charset(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String parameter : contentType.split(";")) {
            String[] pair = parameter.strip().split("=", 2);
            if (pair.length == 2 && pair[0].strip().equalsIgnoreCase("charset")) {
                String name = pair[1].strip().replace("\"", "");
                try {
                    return Charset.forName(name).name();
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    return null;
                }
            }
        }
        return null;
    }
}

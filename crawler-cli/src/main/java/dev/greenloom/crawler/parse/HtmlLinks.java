package dev.greenloom.crawler.parse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import okhttp3.HttpUrl;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * Extracts the links of an HTML page: bytes in, absolute URLs out, no I/O. Follows {@code <a href>},
 * {@code <area href>} and {@code <link rel=next|prev href>}, resolved against the page URL or its
 * {@code <base href>} the way browsers resolve them (OkHttp's {@link HttpUrl}); only http and https links are
 * kept ({@code javascript:}, {@code mailto:} and the like are dropped), without their {@code #fragment}, each
 * once, in document order. Stateless and thread-safe.
 */
public final class HtmlLinks {
    /** Parsed once: jsoup would parse a query string on every call. {@code rel} is checked in {@link #followed}. */
    private static final Evaluator LINKS = QueryParser.parse("a[href], area[href], link[href]");

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
        Document document = parse(body, charset(contentType), pageUrl);
        HttpUrl base = HttpUrl.parse(document.baseUri()); // the page, or its <base href>, made absolute by jsoup
        Set<String> links = new LinkedHashSet<>();
        for (Element element : document.select(LINKS)) {
            if (!followed(element)) {
                continue;
            }
            String href = element.attr("href");
            HttpUrl url = base == null ? HttpUrl.parse(href) : base.resolve(href);
            if (url != null) {
                String link = url.toString();
                int hash = link.indexOf('#'); // the first '#' starts the fragment: HttpUrl escapes any before it
                links.add(hash < 0 ? link : link.substring(0, hash));
            }
        }
        return List.copyOf(links);
    }

    /** {@code <a>} and {@code <area>}; {@code <link>} only as the next or previous page, not a stylesheet. */
    private static boolean followed(Element element) {
        if (!element.nameIs("link")) {
            return true;
        }
        String rel = element.attr("rel");
        return rel.equalsIgnoreCase("next") || rel.equalsIgnoreCase("prev");
    }

    /**
     * Parses {@code body} in {@code charset}, or, if that is null, in the charset jsoup detects (a byte-order
     * mark, a {@code <meta>} charset, an XML declaration; UTF-8 if none).
     *
     * <p>Detection costs jsoup a second parse of the page's start, so it is skipped when it cannot find anything
     * but the default: no byte-order mark and neither "charset" nor "encoding" anywhere in the page. A known
     * charset without a byte-order mark (which would override it) is decoded here, to a String, which is faster
     * than jsoup's streaming decoder.
     */
    private static Document parse(byte[] body, Charset charset, String pageUrl) {
        boolean bom = startsWithByteOrderMark(body);
        Charset known = charset != null || bom || mayNameCharset(body) ? charset : StandardCharsets.UTF_8;
        if (known != null && !bom) {
            return Jsoup.parse(new String(body, known), pageUrl);
        }
        try {
            return Jsoup.parse(new ByteArrayInputStream(body), known == null ? null : known.name(), pageUrl);
        } catch (IOException e) {
            throw new UncheckedIOException("reading an in-memory page cannot fail", e);
        }
    }

    private static boolean startsWithByteOrderMark(byte[] body) {
        return startsWith(body, 0xEF, 0xBB, 0xBF) || startsWith(body, 0xFE, 0xFF) || startsWith(body, 0xFF, 0xFE)
                || startsWith(body, 0x00, 0x00, 0xFE, 0xFF);
    }

    private static boolean startsWith(byte[] body, int... prefix) {
        if (body.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((body[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether "charset" or "encoding" (ASCII, any case) occurs in {@code body}: only then can a page name its charset. */
    private static boolean mayNameCharset(byte[] body) {
        for (int i = 0; i < body.length; i++) {
            int lower = body[i] | 0x20;
            if ((lower == 'c' && matchesAt(body, i, "charset")) || (lower == 'e' && matchesAt(body, i, "encoding"))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code word} (lower-case ASCII letters) is at {@code at} in {@code body}, in any case. */
    private static boolean matchesAt(byte[] body, int at, String word) {
        if (at + word.length() > body.length) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if ((body[at + i] | 0x20) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The charset named in a {@code Content-Type}, if Java knows it; null lets jsoup sniff a {@code <meta>}. */
    private static Charset charset(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String parameter : contentType.split(";")) {
            String[] pair = parameter.strip().split("=", 2);
            if (pair.length == 2 && pair[0].strip().equalsIgnoreCase("charset")) {
                String name = pair[1].strip().replace("\"", "");
                try {
                    return Charset.forName(name);
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    return null;
                }
            }
        }
        return null;
    }
}

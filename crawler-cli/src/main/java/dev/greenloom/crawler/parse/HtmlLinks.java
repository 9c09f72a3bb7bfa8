package dev.greenloom.crawler.parse;

import dev.greenloom.crawler.dns.HostNames;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Comment;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.XmlDeclaration;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;

/**
 * Extracts the links of an HTML page: bytes in, absolute URLs out, no I/O. Follows {@code <a href>},
 * {@code <area href>}, {@code <link rel=next|prev href>}, {@code <frame src>}, {@code <iframe src>} and the URL of a
 * {@code <meta http-equiv=refresh>} (as wget does), resolved against the page URL or its
 * {@code <base href>} the way browsers resolve them (OkHttp's {@link HttpUrl}, a query encoded in the page's
 * charset); only http and https links are kept ({@code javascript:}, {@code mailto:} and the like are dropped),
 * without their {@code #fragment}, each once, in document order. Stateless and thread-safe.
 */
public final class HtmlLinks {
    /**
     * Parsed once: jsoup would parse a query string on every call. {@code rel} is checked in {@link #followed}. With the
     * links, in the same walk of the page, its {@code <meta name=robots>}, whose {@code nofollow} or {@code none}
     * asks crawlers to follow none of them.
     */
    private static final Evaluator LINKS = QueryParser.parse("a[href], area[href], link[href], frame[src], iframe[src], "
            + "meta[http-equiv=refresh][content], meta[name=robots][content]");
    /**
     * The URL of a refresh's {@code content}, {@code 5; url=next.html} (HTML's "shared declarative refresh steps":
     * a time, then {@code ;} or {@code ,}, then an optional {@code url=}, then the URL, quotes around it dropped).
     */
    private static final Pattern REFRESH = Pattern.compile(
            "^\\s*[0-9.]+\\s*[;,]?\\s*(?:[uU][rR][lL]\\s*=\\s*)?(['\"]?)(.*?)\\1\\s*$", Pattern.DOTALL);
    /** The MIME Sniffing Standard's HTML signatures, lower case (matched in any case). */
    private static final List<String> SNIFFED_HTML = List.of("<!doctype html", "<html", "<head", "<script", "<iframe",
            "<h1", "<div", "<font", "<table", "<a", "<style", "<title", "<b", "<body", "<br", "<p", "<!--");
    /**
     * The schemes of a {@code <base href>} that leaves links relative to the page when it is no base: always for
     * {@code javascript:} and {@code data:}, for http and https when the URL does not parse.
     */
    private static final Set<String> FALLBACK_BASE_SCHEMES = Set.of("http", "https", "javascript", "data");
    /** HTML's ASCII whitespace, which separates the tokens of a {@code rel}. */
    private static final Pattern REL_SEPARATOR = Pattern.compile("[ \\t\\n\\f\\r]+");
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    /** The {@code <meta>} elements jsoup's charset detection reads. */
    private static final Evaluator CHARSET_META = QueryParser.parse("meta[http-equiv=content-type], meta[charset]");

    private HtmlLinks() {
    }

    /**
     * True for {@code text/html} and {@code application/xhtml+xml}, whatever the parameters; without a
     * {@code Content-Type} (null or blank), true if {@code body} starts as HTML does by the MIME Sniffing Standard's
     * rules for an unknown type (after white space, {@code <!DOCTYPE HTML}, {@code <html}, {@code <head},
     * {@code <body}, {@code <!--} and the like, in any case), as a browser would render it.
     */
    public static boolean isHtml(String contentType, byte[] body) {
        if (contentType == null || contentType.isBlank()) {
            return looksLikeHtml(body);
        }
        String mime = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return mime.equals("text/html") || mime.equals("application/xhtml+xml");
    }

    private static boolean looksLikeHtml(byte[] body) {
        int start = 0;
        while (start < body.length && (body[start] == ' ' || body[start] == '\t' || body[start] == '\n'
                || body[start] == '\f' || body[start] == '\r')) {
            start++;
        }
        for (String pattern : SNIFFED_HTML) {
            int end = start + pattern.length();
            // The tag is followed by a space or '>' (the standard's "tag-terminating byte"); "<!--" by anything.
            if (matchesAt(body, start, pattern) && (pattern.equals("<!--")
                    || end < body.length && (body[end] == ' ' || body[end] == '>'))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The links of {@code body}, parsed as HTML whatever {@code contentType} says (check {@link #isHtml} first).
     *
     * @param contentType the response's {@code Content-Type}, for its charset; null to let jsoup detect it
     * @param pageUrl the page's absolute URL, after redirects, to resolve relative links against
     * @param obeyRobotsMeta whether a {@code <meta name=robots content=nofollow>} (or {@code none}) means no links
     */
    public static List<String> extract(byte[] body, String contentType, String pageUrl, boolean obeyRobotsMeta) {
        Objects.requireNonNull(body, "body == null");
        Objects.requireNonNull(pageUrl, "pageUrl == null");
        Document document = parse(body, charset(contentType), pageUrl);
        HttpUrl base = base(document.baseUri(), pageUrl);
        Charset charset = document.outputSettings().charset();
        Set<String> links = new LinkedHashSet<>();
        for (Element element : document.select(LINKS)) {
            if (isRobotsMeta(element)) {
                if (obeyRobotsMeta && asksNotToFollow(element)) {
                    return List.of();
                }
                continue;
            }
            if (!followed(element)) {
                continue;
            }
            String target = target(element);
            if (target == null) {
                continue;
            }
            String href = queryInCharset(target, charset);
            HttpUrl url = base == null ? HttpUrl.parse(href) : base.resolve(href);
            if (url != null) {
                String link = url.toString();
                int hash = link.indexOf('#'); // the first '#' starts the fragment: HttpUrl escapes any before it
                links.add(hash < 0 ? link : link.substring(0, hash));
            }
        }
        return List.copyOf(links);
    }

    /**
     * What relative links resolve against, from {@code baseUri}, the page's URL or its {@code <base href>} made
     * absolute by jsoup: that, or, as a browser has it (HTML's "set the frozen base URL"), the page's URL if the
     * base is an http(s) URL that does not parse or a {@code javascript:} or {@code data:} one; null for a base of
     * another scheme ({@code ftp:}, {@code mailto:}), against which no relative link is an http or https URL.
     */
    private static HttpUrl base(String baseUri, String pageUrl) {
        HttpUrl base = HttpUrl.parse(baseUri);
        if (base != null) {
            return base;
        }
        String scheme = HostNames.schemeOf(baseUri);
        boolean fallback = scheme != null && FALLBACK_BASE_SCHEMES.contains(scheme.toLowerCase(Locale.ROOT));
        return fallback ? HttpUrl.parse(pageUrl) : null;
    }

    /** The URL {@code element} links to, as written: its href, src or refresh URL; null for a refresh without one. */
    private static String target(Element element) {
        if (element.nameIs("frame") || element.nameIs("iframe")) {
            return element.attr("src");
        }
        if (element.nameIs("meta")) {
            Matcher refresh = REFRESH.matcher(element.attr("content"));
            return refresh.matches() && !refresh.group(2).isBlank() ? refresh.group(2) : null;
        }
        return element.attr("href");
    }

    private static boolean isRobotsMeta(Element element) {
        return element.nameIs("meta") && element.attr("name").equalsIgnoreCase("robots");
    }

    /** Whether a {@code <meta name=robots>} says {@code nofollow} or {@code none}, in any case. */
    private static boolean asksNotToFollow(Element robotsMeta) {
        for (String directive : robotsMeta.attr("content").split(",")) {
            String word = directive.strip();
            if (word.equalsIgnoreCase("nofollow") || word.equalsIgnoreCase("none")) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code href} with the non-ASCII characters of its query percent-encoded in the page's {@code charset}, as the
     * URL Standard has a browser do, and wget sends the page's bytes: an {@code é} in a Latin-1 page's query is
     * {@code %E9}, one the charset cannot encode is its {@code &#NNNN;} reference, {@code %26%23NNNN%3B}. A UTF-8 or
     * UTF-16 page's query stays UTF-8, and the path is always UTF-8: OkHttp encodes the rest.
     */
    private static String queryInCharset(String href, Charset charset) {
        int query = href.indexOf('?');
        if (query < 0 || charset.equals(StandardCharsets.UTF_8) || charset.name().startsWith("UTF-16")
                || href.chars().allMatch(c -> c < 0x80)) {
            return href;
        }
        int fragment = href.indexOf('#');
        if (fragment >= 0 && fragment < query) {
            return href;
        }
        int end = fragment < 0 ? href.length() : fragment;
        CharsetEncoder encoder = charset.newEncoder();
        StringBuilder result = new StringBuilder(href.length() + 16).append(href, 0, query);
        href.substring(query, end).codePoints().forEach(c -> {
            if (c < 0x80) {
                result.appendCodePoint(c);
                return;
            }
            String character = Character.toString(c);
            if (!encoder.canEncode(character)) {
                result.append("%26%23").append(c).append("%3B");
                return;
            }
            for (byte b : character.getBytes(charset)) {
                result.append('%').append(HEX.toHexDigits(b));
            }
        });
        return result.append(href, end, href.length()).toString();
    }

    /**
     * Every element {@link #LINKS} selects but {@code <link>}, which only as the next or previous page, not a
     * stylesheet. {@code rel} is a set of space-separated tokens in any case, as in {@code rel="prefetch next"}.
     */
    private static boolean followed(Element element) {
        if (!element.nameIs("link")) {
            return true;
        }
        for (String token : REL_SEPARATOR.split(element.attr("rel"))) {
            if (token.equalsIgnoreCase("next") || token.equalsIgnoreCase("prev")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Parses {@code body} in {@code charset}, or, if that is null, in the charset the page declares the way jsoup
     * detects it (a byte-order mark, the first {@code <meta>} naming a charset, an XML declaration; UTF-8 if none).
     *
     * <p>jsoup's own detection parses the page's start a second time, through its slower streaming decoder. Here
     * the page is parsed once as UTF-8, and again only if it declares another charset: unlike jsoup, which looks
     * at the first 5 KB only, a declaration anywhere in the page counts, as it does for a browser's parser.
     * Without a byte-order mark, and without "charset" or "encoding" anywhere in the page, there is nothing to
     * look for.
     */
    private static Document parse(byte[] body, Charset charset, String pageUrl) {
        if (startsWithByteOrderMark(body)) {
            try {
                return Jsoup.parse(new ByteArrayInputStream(body), charset == null ? null : charset.name(), pageUrl);
            } catch (IOException e) {
                throw new UncheckedIOException("reading an in-memory page cannot fail", e);
            }
        }
        if (charset != null) {
            return parseIn(charset, body, pageUrl);
        }
        Document document = Jsoup.parse(new String(body, StandardCharsets.UTF_8), pageUrl);
        Charset declared = mayNameCharset(body) ? declaredCharset(document) : null;
        return declared == null || declared.equals(StandardCharsets.UTF_8) ? document : parseIn(declared, body, pageUrl);
    }

    /** {@code body} read in {@code charset}, which the document keeps as its own, for the links' queries. */
    private static Document parseIn(Charset charset, byte[] body, String pageUrl) {
        Document document = Jsoup.parse(new String(body, charset), pageUrl);
        document.outputSettings().charset(charset);
        return document;
    }

    /**
     * The charset {@code document} declares, as jsoup's detection reads it: the first {@code <meta>} with an
     * {@code http-equiv=content-type} whose content names a charset Java knows, or with a {@code charset}
     * attribute (used even if Java does not know it, which gives null); failing that, an XML declaration's
     * {@code encoding}. Null if none, or if Java does not know the one found.
     */
    private static Charset declaredCharset(Document document) {
        for (Element meta : document.select(CHARSET_META)) {
            Charset fromContent = meta.hasAttr("http-equiv") ? charset(meta.attr("content")) : null;
            if (fromContent != null) {
                return fromContent;
            }
            if (meta.hasAttr("charset")) {
                return named(meta.attr("charset"));
            }
        }
        if (document.childNodeSize() > 0 && document.childNode(0) instanceof Comment comment
                && comment.isXmlDeclaration()) {
            XmlDeclaration declaration = comment.asXmlDeclaration();
            if (declaration != null && declaration.name().equalsIgnoreCase("xml")) {
                return named(declaration.attr("encoding"));
            }
        }
        return null;
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
                return named(pair[1]);
            }
        }
        return null;
    }

    /** The charset called {@code name} (blanks and quotes around it ignored), or null if Java does not know it. */
    private static Charset named(String name) {
        String bare = name.replace("\"", "").replace("'", "").strip();
        if (bare.isEmpty()) {
            return null;
        }
        try {
            return Charset.forName(bare);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
    }
}

package dev.greenloom.crawler.output;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * Maps a URL to a relative file path for a mirror: {@code host[_port]/segment/.../name}. A pure function, no I/O.
 *
 * <ul>
 *   <li>The path is split on {@code /} <em>before</em> percent-decoding, so {@code %2F} never creates a separator;
 *       each decoded segment is then escaped: {@code / \ % : * ? " < > |}, control characters and NUL become
 *       {@code %XX}; {@code .} and {@code ..} become {@code %2E} and {@code %2E%2E}; an empty segment
 *       ({@code //}) becomes {@code %}.</li>
 *   <li>A directory URL (empty path or ending in {@code /}) gets the name {@code index.html}.</li>
 *   <li>A query is hashed into the name before its extension: {@code page.html?a=1} becomes
 *       {@code page_<8 hex of SHA-256 of the raw query>.html}.</li>
 *   <li>A segment (the host's included) longer than {@value #MAX_SEGMENT} bytes in UTF-8 after escaping is cut and
 *       given a hash of the whole segment (keeping a short extension), so every name fits the 255-byte limit of
 *       common file systems, whatever its script (a CJK character takes 3 bytes, an emoji 4).</li>
 *   <li>A path longer than {@value #MAX_PATH} bytes keeps its leading segments up to that length; the segments
 *       past it become one name, {@code _<8 hex of SHA-256 of them>} with the last name's extension, so a spider
 *       trap's ever deeper URL fits the file system's limit on a whole path (4,096 bytes on Linux).</li>
 *   <li>The host is lowercased; an explicit non-default port is appended as {@code _port}.</li>
 * </ul>
 * The result never contains a {@code .} or {@code ..} segment, so it cannot leave the directory it is resolved
 * against; {@link MirrorSink} checks that again on the resolved path.
 */
final class MirrorPaths {
    /** Longest segment in UTF-8 bytes; room is left for the {@code _<8 hex>} a name conflict adds. */
    static final int MAX_SEGMENT = 150;
    /** Longest relative path in UTF-8 bytes, separators included, leaving room for the mirror directory's own. */
    static final int MAX_PATH = 1000;
    /** UTF-8 bytes of a cut segment kept before its hash. */
    private static final int KEPT_PREFIX = 100;
    private static final String RESERVED = "/\\%:*?\"<>|";
    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    /** The charset the JVM encodes file names in: the locale's (US-ASCII under {@code LANG=C}). */
    private static final Charset FILE_NAMES = fileNameCharset();

    private MirrorPaths() {
    }

    /**
     * Returns the relative path for {@code url}.
     *
     * @throws IllegalArgumentException if {@code url} is not an absolute http(s) URL with a host
     */
    static Path relativePath(String url) {
        return relativePath(url, FILE_NAMES);
    }

    /** Returns the relative path for {@code url} with file names that {@code fileNames} can encode. */
    static Path relativePath(String url, Charset fileNames) {
        Objects.requireNonNull(url, "url == null");
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + url, e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        int port = uri.getPort();
        HttpUrl parsed = host == null ? HttpUrl.parse(url) : null;
        if (parsed != null) {
            // java.net.URI has no host for names with '_' (my_host.example.com), which browsers and OkHttp accept.
            host = parsed.host();
            port = parsed.port();
        }
        if (!scheme.equals("http") && !scheme.equals("https") || host == null) {
            throw new IllegalArgumentException("not an absolute http(s) URL: " + url);
        }
        host = host.toLowerCase(Locale.ROOT);
        if (port != -1 && port != (scheme.equals("https") ? 443 : 80)) {
            host = host + "_" + port;
        }
        String rawPath = uri.getRawPath() == null ? "" : uri.getRawPath();
        boolean directory = rawPath.isEmpty() || rawPath.endsWith("/");
        String[] raw = rawPath.split("/", -1);
        // raw[0] is the empty string before the leading '/'; a directory's last element is the empty string after '/'.
        int from = rawPath.startsWith("/") ? 1 : 0;
        int to = directory ? raw.length - 1 : raw.length;
        List<String> segments = new ArrayList<>();
        segments.add(cap(escape(host, fileNames), false));
        for (int i = from; i < (directory ? to : to - 1); i++) {
            segments.add(cap(escape(decode(raw[i]), fileNames), false));
        }
        String name = directory ? "index.html" : escape(decode(raw[to - 1]), fileNames);
        if (uri.getRawQuery() != null) {
            name = withSuffix(name, "_" + hash8(uri.getRawQuery()));
        }
        segments.add(cap(name, true));
        return Path.of("", folded(segments).toArray(String[]::new));
    }

    /** {@code segments} (host first, name last), the ones past {@link #MAX_PATH} folded into one hashed name. */
    private static List<String> folded(List<String> segments) {
        int length = -1;
        for (String segment : segments) {
            length += utf8Length(segment) + 1;
        }
        if (length <= MAX_PATH) {
            return segments;
        }
        String name = segments.getLast();
        String extension = name.substring(extensionStart(name));
        int foldedLength = 1 + 1 + 8 + extension.length(); // '/', '_', the hash, an ASCII extension
        int kept = 1; // the host, at most MAX_SEGMENT bytes
        for (int used = utf8Length(segments.getFirst()); kept < segments.size() - 1; kept++) {
            used += 1 + utf8Length(segments.get(kept));
            if (used + foldedLength > MAX_PATH) {
                break;
            }
        }
        String rest = String.join("/", segments.subList(kept, segments.size()));
        List<String> result = new ArrayList<>(segments.subList(0, kept));
        result.add("_" + hash8(rest) + extension);
        return result;
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Inserts {@code suffix} before the name's extension (a short alphanumeric tail after the last dot). */
    static String withSuffix(String name, String suffix) {
        int dot = extensionStart(name);
        return name.substring(0, dot) + suffix + name.substring(dot);
    }

    /** SHA-256 of {@code text} (UTF-8), first 8 hex digits. */
    static String hash8(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static int extensionStart(String name) {
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || name.length() - dot > 11) {
            return name.length();
        }
        for (int i = dot + 1; i < name.length(); i++) {
            if (!Character.isLetterOrDigit(name.charAt(i)) || name.charAt(i) > 127) {
                return name.length();
            }
        }
        return dot;
    }

    private static String cap(String segment, boolean keepExtension) {
        if (utf8Length(segment) <= MAX_SEGMENT) {
            return segment;
        }
        int dot = keepExtension ? extensionStart(segment) : segment.length();
        int cut = 0;
        for (int bytes = 0; cut < dot; ) {
            int c = segment.codePointAt(cut);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
            if (bytes > KEPT_PREFIX) {
                break;
            }
            cut += Character.charCount(c);
        }
        return segment.substring(0, cut) + "_" + hash8(segment) + segment.substring(dot);
    }

    /** Percent-decodes one segment as UTF-8; malformed escapes are kept literally. */
    private static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()
                    && HexFormat.isHexDigit(raw.charAt(i + 1)) && HexFormat.isHexDigit(raw.charAt(i + 2))) {
                bytes.write(HexFormat.fromHexDigits(raw, i + 1, i + 3));
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String escape(String segment, Charset fileNames) {
        if (segment.isEmpty()) {
            return "%";
        }
        if (segment.equals(".") || segment.equals("..")) {
            return segment.replace(".", "%2E");
        }
        CharsetEncoder encoder = fileNames.equals(StandardCharsets.UTF_8) ? null : fileNames.newEncoder();
        StringBuilder out = new StringBuilder(segment.length());
        for (int i = 0; i < segment.length(); i += Character.charCount(segment.codePointAt(i))) {
            int c = segment.codePointAt(i);
            if (c < 0x20 || c == 0x7f || RESERVED.indexOf(c) >= 0) {
                out.append('%').append(HEX.toHexDigits((byte) c));
            } else if (c >= 0x80 && encoder != null && !encoder.canEncode(Character.toString(c))) {
                for (byte b : Character.toString(c).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(HEX.toHexDigits(b));
                }
            } else {
                out.appendCodePoint(c);
            }
        }
        return out.toString();
    }

    private static Charset fileNameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }
}

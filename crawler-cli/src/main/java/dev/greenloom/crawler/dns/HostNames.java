package dev.greenloom.crawler.dns;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import org.xbill.DNS.Address;

/**
 * Checks host names and turns internationalized ones into their ASCII (punycode) form before any
 * lookup, so that bad input never reaches the network.
 */
public final class HostNames {
    /** The longest name in presentation form, without the trailing dot (RFC 1035 2.3.4). */
    static final int MAX_NAME_LENGTH = 253;
    /** The longest label (RFC 1035 2.3.4). */
    static final int MAX_LABEL_LENGTH = 63;

    /** The characters UTS #46 maps to a full stop: '.' and the ideographic, fullwidth and halfwidth ones. */
    private static final String FULL_STOPS = ".\u3002\uFF0E\uFF61";

    /** A URL's scheme (RFC 3986: a letter, then letters, digits, + - .) and its ':', at the start of a text. */
    private static final Pattern SCHEME = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*):");

    private HostNames() {
    }

    /** The scheme {@code text} starts with, as written ({@code HTTPS} in {@code HTTPS://a}), or null if none. */
    public static String schemeOf(String text) {
        Matcher scheme = SCHEME.matcher(text);
        return scheme.lookingAt() ? scheme.group(1) : null;
    }

    /**
     * The ASCII form of {@code name}: IDN labels converted to punycode per UTS #46, as the crawl's
     * URLs are ({@code bücher.example} → {@code xn--bcher-kva.example}), lower-cased, without a
     * trailing dot. Letters, digits, {@code -} (not at either end of a label) and {@code _} (for
     * service names such as {@code _dmarc}) are allowed. An IP address is a host too: an IPv6 one
     * comes back lower-cased, without brackets.
     *
     * @throws IllegalArgumentException naming what is wrong: an empty label, a label over 63
     *     characters, a name over 253, a character not allowed in a host name, an internationalized
     *     name UTS #46 rejects
     */
    public static String toAscii(String name) {
        Objects.requireNonNull(name, "name == null");
        if (name.indexOf(':') >= 0 && address(name) != null) {
            return unbracketed(name).toLowerCase(Locale.ROOT);
        }
        String trimmed = endsWithDot(name) ? name.substring(0, name.length() - 1) : name;
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("empty name");
        }
        String ascii = (isAscii(trimmed) ? trimmed : punycode(trimmed)).toLowerCase(Locale.ROOT);
        if (ascii.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("name longer than " + MAX_NAME_LENGTH + " characters");
        }
        int start = 0;
        while (start <= ascii.length()) {
            int end = ascii.indexOf('.', start);
            if (end < 0) {
                end = ascii.length();
            }
            checkLabel(ascii, start, end);
            start = end + 1;
        }
        return ascii;
    }

    /**
     * Whether {@code name} ends with a dot, or with a full stop UTS #46 maps to one ({@code bücher.example。}):
     * an absolute name, never tried under search domains.
     */
    public static boolean endsWithDot(String name) {
        return !name.isEmpty() && FULL_STOPS.indexOf(name.charAt(name.length() - 1)) >= 0;
    }

    /**
     * The bytes of the IP address {@code text} is (IPv4, or IPv6 with or without brackets), or null
     * when it is not an address.
     */
    static byte[] address(String text) {
        String bare = unbracketed(text);
        if (!mayBeAddress(bare)) {
            return null;
        }
        byte[] bytes = Address.toByteArray(bare, Address.IPv4);
        return bytes != null ? bytes : Address.toByteArray(bare, Address.IPv6);
    }

    /** {@code text} without the brackets around an IPv6 address ({@code [::1]} → {@code ::1}). */
    static String unbracketed(String text) {
        return text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    }

    /** False for text that cannot be an IP address: no ':' (IPv6) and a character other than digits and dots (IPv4). */
    private static boolean mayBeAddress(String text) {
        if (text.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /**
     * UTS #46 without transitional mappings, through OkHttp, as browsers and the crawl's URLs convert
     * hosts: the JDK's {@link java.net.IDN} implements IDNA 2003, which maps {@code faß} to
     * {@code fass}, another domain than {@code xn--fa-hia} that the crawl would connect to.
     */
    private static String punycode(String name) {
        if (name.indexOf('%') >= 0) {
            // OkHttp would decode %xx escapes first, as in a URL; here they are text.
            throw new IllegalArgumentException("character not allowed in a host name: '%'");
        }
        try {
            return new HttpUrl.Builder().scheme("http").host(name).build().host();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid internationalized name", e);
        }
    }

    private static void checkLabel(String name, int start, int end) {
        int length = end - start;
        if (length == 0) {
            throw new IllegalArgumentException("empty label");
        }
        if (length > MAX_LABEL_LENGTH) {
            throw new IllegalArgumentException("label longer than " + MAX_LABEL_LENGTH + " characters");
        }
        if (name.charAt(start) == '-' || name.charAt(end - 1) == '-') {
            throw new IllegalArgumentException("label starts or ends with '-'");
        }
        for (int i = start; i < end; i++) {
            char c = name.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!allowed) {
                throw new IllegalArgumentException("character not allowed in a host name: '" + printable(c) + "'");
            }
        }
    }

    /**
     * {@code text} with its control characters escaped (a backslash, {@code u}, four hex digits), as
     * the messages of {@link #toAscii} write them: safe as one field of a tab-separated line.
     */
    public static String printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < 0x20 || text.charAt(i) == 0x7f) {
                StringBuilder escaped = new StringBuilder(text.length() + 8).append(text, 0, i);
                text.substring(i).chars().forEach(c -> escaped.append(printable((char) c)));
                return escaped.toString();
            }
        }
        return text;
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}

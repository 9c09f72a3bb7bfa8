package dev.greenloom.crawler.output;

/**
 * Builds one JSON object on one line, for JSON-lines output: {@code new Json().add("url", u).add("status", 200).toString()}.
 * Strings are escaped per RFC 8259; null values are written as {@code null}. Not thread-safe.
 */
public final class Json {
    private final StringBuilder out = new StringBuilder(128).append('{');

    /** Adds a string member (null allowed). */
    public Json add(String name, String value) {
        key(name);
        if (value == null) {
            out.append("null");
        } else {
            quote(value);
        }
        return this;
    }

    /** Adds a number member. */
    public Json add(String name, long value) {
        key(name);
        out.append(value);
        return this;
    }

    /** Adds a number member, written with up to three decimals; NaN and infinities as null. */
    public Json add(String name, double value) {
        key(name);
        if (Double.isFinite(value)) {
            out.append(Math.round(value * 1000) / 1000.0);
        } else {
            out.append("null");
        }
        return this;
    }

    /** Adds a boolean member. */
    public Json add(String name, boolean value) {
        key(name);
        out.append(value);
        return this;
    }

    /** Adds an array of strings. */
    public Json add(String name, Iterable<String> values) {
        key(name);
        out.append('[');
        boolean first = true;
        for (String value : values) {
            if (!first) {
                out.append(',');
            }
            first = false;
            quote(value);
        }
        out.append(']');
        return this;
    }

    /** Adds a nested object built elsewhere. */
    public Json add(String name, Json value) {
        key(name);
        out.append(value);
        return this;
    }

    private void key(String name) {
        if (out.length() > 1) {
            out.append(',');
        }
        quote(name);
        out.append(':');
    }

    private void quote(String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** The object, closed: {@code {...}}. */
    @Override
    public String toString() {
        return out + "}";
    }
}
